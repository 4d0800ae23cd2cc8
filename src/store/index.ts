import { DatabaseSync, backup } from 'node:sqlite';
import { DomainError } from '../errors.ts';

export interface Note { id: number; content: string }
/** `createdAt` in milliseconds since the epoch. */
export interface StoredFile { name: string; userId: number; originalName: string; size: number; createdAt: number }

/** The named operations handlers use; no SQL leaves this module. */
export interface Store {
  /** The new user's id; DomainError('UsernameTaken') when the name exists in any letter case. */
  createUser(username: string, passwordHash: string, createdAt: number): number;
  findUser(username: string): { id: number; password: string } | undefined;
  /** When the user was made (seconds), or undefined when there is no such user. */
  userCreatedAt(id: number): number | undefined;
  addNote(userId: number, content: string): number;
  listNotes(userId: number, limit: number, offset: number): Note[];
  addFile(file: StoredFile): void;
  findFile(userId: number, name: string): StoredFile | undefined;
  /** Throws when the database cannot answer. */
  ping(): void;
  close(): void;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS notes (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    content TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS notes_by_user ON notes (user_id, id);
  CREATE TABLE IF NOT EXISTS files (
    name TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    original_name TEXT NOT NULL,
    size INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS files_by_user ON files (user_id);
`;

const SQLITE_CONSTRAINT_UNIQUE = 2067;
/** Backup pages per step: all of them, so the copy is one snapshot and never restarts under writes. */
const ALL_PAGES = 2 ** 31 - 1;

/**
 * Copies the database at `path` to `target` through SQLite's online backup, from a read-only
 * connection: safe while a server writes to it. Resolves with the number of pages copied.
 */
export async function copyDatabase(path: string, target: string): Promise<number> {
  const db = new DatabaseSync(path, { readOnly: true, timeout: 5000 });
  try {
    return await backup(db, target, { rate: ALL_PAGES });
  } finally {
    db.close();
  }
}

/** Opens (creating when needed) the database at `path` and prepares every statement once. */
export function openStore(path: string): Store {
  const db = new DatabaseSync(path, { timeout: 5000 });
  db.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = NORMAL;
    PRAGMA foreign_keys = ON;
    PRAGMA cache_size = -8000;
  `);
  db.exec(SCHEMA);

  const insertUser = db.prepare('INSERT INTO users (username, password, created_at) VALUES (?, ?, ?) RETURNING id');
  const selectUser = db.prepare('SELECT id, password FROM users WHERE username = ?');
  const selectCreatedAt = db.prepare('SELECT created_at FROM users WHERE id = ?');
  selectCreatedAt.setReturnArrays(true);
  const insertNote = db.prepare('INSERT INTO notes (user_id, content) VALUES (?, ?) RETURNING id');
  // Not a bare `LIMIT ? OFFSET ?`: SQLite (3.47+) plans with a bare LIMIT parameter's value, so every
  // bind made it re-prepare the statement; through CAST it is planned once.
  const selectNotes = db.prepare(
    'SELECT id, content FROM notes WHERE user_id = ? ORDER BY id LIMIT CAST(? AS INTEGER) OFFSET CAST(? AS INTEGER)',
  );
  // Rows as arrays, made into objects here: node:sqlite builds row objects through slow
  // property-by-property calls, about twice the cost of the whole query for a page of 10.
  selectNotes.setReturnArrays(true);
  const insertFile = db.prepare('INSERT INTO files (name, user_id, original_name, size, created_at) VALUES (?, ?, ?, ?, ?)');
  const selectFile = db.prepare(
    'SELECT name, user_id AS userId, original_name AS originalName, size, created_at AS createdAt FROM files WHERE name = ? AND user_id = ?',
  );
  // Reads the schema page, so the file itself must answer, not only the connection.
  const selectOne = db.prepare('SELECT count(*) FROM sqlite_schema');

  return {
    createUser(username, passwordHash, createdAt) {
      try {
        return (insertUser.get(username, passwordHash, createdAt) as { id: number }).id;
      } catch (err) {
        if ((err as { errcode?: number }).errcode === SQLITE_CONSTRAINT_UNIQUE) throw new DomainError('UsernameTaken', { cause: err });
        throw err;
      }
    },
    findUser: (username) => selectUser.get(username) as { id: number; password: string } | undefined,
    userCreatedAt: (id) => (selectCreatedAt.get(id) as [number] | undefined)?.[0],
    addNote: (userId, content) => (insertNote.get(userId, content) as { id: number }).id,
    listNotes: (userId, limit, offset) =>
      (selectNotes.all(userId, limit, offset) as unknown as Array<[number, string]>).map(([id, content]) => ({ id, content })),
    addFile(f) {
      insertFile.run(f.name, f.userId, f.originalName, f.size, f.createdAt);
    },
    findFile: (userId, name) => selectFile.get(name, userId) as StoredFile | undefined,
    ping() {
      selectOne.get();
    },
    close() {
      if (!db.isOpen) return;
      if (path !== ':memory:') db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}
