// Formatting for every package (`pnpm lint` checks it, `pnpm format` applies it).
/** @type {import("prettier").Config} */
export default {
  printWidth: 120,
};
