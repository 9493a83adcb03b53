/// <reference types="vite/client" />

// Build-time settings (see session/api-config.ts).
interface ImportMetaEnv {
  /** The API's tRPC endpoint, e.g. http://127.0.0.1:3001/trpc; unset: this origin's /trpc. */
  readonly VITE_API_URL?: string;
  /** "body" (default) or "cookie": where the refresh token travels. */
  readonly VITE_REFRESH_TOKEN_IN?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
