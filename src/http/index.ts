export { type AppOptions, createApp } from './app.ts';
export { HttpError } from './errors.ts';
