-- CreateTable
CREATE TABLE "registry_outbox" (
    "id" BIGSERIAL NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "user_id" TEXT NOT NULL,
    "change" JSONB NOT NULL,

    CONSTRAINT "registry_outbox_pkey" PRIMARY KEY ("id")
);
