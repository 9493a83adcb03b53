// vitest's asymmetric matchers, typed as the values they stand for. vitest types them `any`, which
// the type-checked lint (no-unsafe-assignment) refuses inside the objects tests compare against.
import { expect } from "vitest";

/** Any Date: `toEqual({ createdAt: anyDate() })`. */
export const anyDate = (): Date => expect.any(Date) as Date;

/** Any number: `toMatchObject({ retryAfterSeconds: anyNumber() })`. */
export const anyNumber = (): number => expect.any(Number) as number;

/** Any string: `toMatchObject({ token: anyString() })`. */
export const anyString = (): string => expect.any(String) as string;

/** A string matching the pattern: `rejects.toMatchObject({ message: stringMatching(/.../) })`. */
export const stringMatching = (pattern: RegExp): string => expect.stringMatching(pattern) as string;
