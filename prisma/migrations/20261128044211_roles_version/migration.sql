-- AlterTable
ALTER TABLE "users" ADD COLUMN     "roles_version" INTEGER NOT NULL DEFAULT 0;
