// The OpenAPI 3.1 description served at /api/openapi.json. A test checks that its paths and
// methods are exactly the route table's.

const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const error = (description: string) => ({ description, ...json(ref('Error')) });
const message = (description: string) => ({ description, ...json(ref('Message')) });
const secure = [{ bearer: [] }];
const unauthorized = error('Missing Bearer token, or Invalid token (with WWW-Authenticate: Bearer)');
const tooMany = error('Too many requests (with Retry-After, seconds)');

export const OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'Notes and files API',
    version: '1.0.0',
    description: 'Accounts (bcrypt + HS256 JWT), per-user notes and files. Every error body is {"error": message}.',
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    schemas: {
      Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' } } },
      Message: { type: 'object', required: ['message'], properties: { message: { type: 'string' } } },
      Credentials: {
        type: 'object',
        required: ['username', 'password'],
        properties: {
          username: { type: 'string', minLength: 3, maxLength: 50, pattern: '^[A-Za-z0-9_-]+$' },
          password: { type: 'string', minLength: 6, description: 'at most 72 UTF-8 bytes' },
        },
      },
      Note: { type: 'object', required: ['id', 'content'], properties: { id: { type: 'integer' }, content: { type: 'string' } } },
    },
  },
  paths: {
    '/api/register': {
      post: {
        summary: 'Create an account (usernames are unique in any letter case)',
        requestBody: { required: true, ...json(ref('Credentials')) },
        responses: {
          200: message('User registered'),
          400: error('Invalid input'),
          409: error('Username already taken'),
          413: error('Request body too large'),
          429: tooMany,
        },
      },
    },
    '/api/login': {
      post: {
        summary: 'Exchange credentials for a token',
        requestBody: { required: true, ...json(ref('Credentials')) },
        responses: {
          200: { description: 'A token', ...json({ type: 'object', required: ['token'], properties: { token: { type: 'string' } } }) },
          400: error('Username and password are required'),
          401: error('Invalid credentials'),
          429: tooMany,
        },
      },
    },
    '/api/secure/notes': {
      get: {
        summary: "The caller's notes in id order",
        security: secure,
        parameters: [
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 5 } },
          { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
        ],
        responses: {
          200: { description: 'A page of notes', ...json({ type: 'object', required: ['notes'], properties: { notes: { type: 'array', items: ref('Note') } } }) },
          400: error('Invalid pagination parameters, or Limit must be between 1 and 100'),
          401: unauthorized,
          500: error('Failed to fetch notes'),
        },
      },
      post: {
        summary: 'Add a note',
        security: secure,
        requestBody: { required: true, ...json({ type: 'object', required: ['content'], properties: { content: { type: 'string', maxLength: 1000 } } }) },
        responses: {
          200: { description: 'Note added', ...json({ type: 'object', properties: { message: { type: 'string' }, id: { type: 'integer' } } }) },
          400: error('Note content is required, or cannot exceed 1000 characters'),
          401: unauthorized,
          500: error('Failed to add note'),
        },
      },
    },
    '/api/secure/upload': {
      post: {
        summary: 'Upload one file (txt pdf png jpg jpeg gif doc docx, at most 10 MiB) in the part named "file"',
        security: secure,
        requestBody: {
          required: true,
          content: { 'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } } },
        },
        responses: {
          200: {
            description: 'File uploaded',
            ...json({ type: 'object', properties: { message: { type: 'string' }, filename: { type: 'string' }, original_name: { type: 'string' } } }),
          },
          400: error('No file uploaded, or File type not allowed'),
          401: unauthorized,
          413: error('File too large'),
          500: error('Failed to save file'),
        },
      },
    },
    '/api/secure/download/{filename}': {
      get: {
        summary: "Download one of the caller's files (as an attachment)",
        security: secure,
        parameters: [{ name: 'filename', in: 'path', required: true, schema: { type: 'string', pattern: '^[0-9a-f]{32}\\.(txt|pdf|png|jpg|jpeg|gif|doc|docx)$' } }],
        responses: {
          200: {
            description: "The file's bytes, as an attachment; Content-Type from the extension (text/plain, application/pdf, image/png, image/jpeg, image/gif, application/msword, or the .docx type)",
            content: { '*/*': { schema: { type: 'string', format: 'binary' } } },
          },
          400: error('Invalid filename'),
          401: unauthorized,
          404: error('File not found'),
        },
      },
    },
    '/api/health': {
      get: {
        summary: 'Liveness: the database answers and the upload dir is writable',
        responses: {
          200: { description: 'Healthy', ...json({ type: 'object', properties: { status: { const: 'ok' } } }) },
          503: { description: 'Unhealthy', ...json({ type: 'object', properties: { status: { const: 'error' }, failing: { type: 'array', items: { type: 'string' } } } }) },
        },
      },
    },
    '/api/openapi.json': {
      get: { summary: 'This document', responses: { 200: { description: 'OpenAPI 3.1', ...json({ type: 'object' }) } } },
    },
  },
};
