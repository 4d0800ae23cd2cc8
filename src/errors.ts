/** Stable codes the domain modules (auth, store, files) throw; only src/http turns them into statuses. */
export type ErrorCode =
  | 'InvalidToken'
  | 'UsernameTaken'
  | 'NoFile'
  | 'FileTypeNotAllowed'
  | 'FileTooLarge'
  | 'SaveFailed'
  | 'ClientAborted';

export class DomainError extends Error {
  code: ErrorCode;
  constructor(code: ErrorCode, options?: ErrorOptions) {
    super(code, options);
    this.name = 'DomainError';
    this.code = code;
  }
}
