export { createToken, createTokenVerifier, verifyToken } from './jwt.ts';
export { createPasswords, type Passwords } from './password.ts';
export { loadSecret } from './secret.ts';
