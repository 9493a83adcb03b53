// Input rules shared by several procedures, with messages a person understands.
import { z } from "zod";

/** Trimmed and lower-cased, so that one mailbox is one account whatever the case typed. */
export const emailSchema = z
  .string({ error: "Email must be a string" })
  .trim()
  .toLowerCase()
  .max(254, "Email must be at most 254 characters")
  .pipe(z.email("Email must be a valid email address"));

/** Length is checked in characters (any Unicode), before hashing; nothing is truncated. */
export const passwordSchema = z
  .string({ error: "Password must be a string" })
  .refine((value) => [...value].length >= 8, "Password must be at least 8 characters")
  .refine((value) => [...value].length <= 128, "Password must be at most 128 characters");

export const userIdSchema = z.string({ error: "User id must be a string" }).trim().min(1, "User id is required").max(64);
