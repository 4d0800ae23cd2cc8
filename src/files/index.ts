export { openStored } from './download.ts';
export { TYPES, isStoredName } from './names.ts';
export { receiveUpload, removeStored, sweepPartial, type Received } from './upload.ts';
