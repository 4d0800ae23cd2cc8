export { createToken, createTokenVerifier, verifyToken } from './jwt.ts';
export { MAX_PASSWORD_BYTES, createPasswords, type Passwords } from './password.ts';
export { loadSecret } from './secret.ts';
