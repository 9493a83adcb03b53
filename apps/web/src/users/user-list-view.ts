// What the users page shows for its users.list query. The API's FORBIDDEN is final whatever the
// cache still holds: an admin demoted since the list was read must lose the table and its actions
// at the refetch that says so, not keep the previous page. Any other failure (the network, a 5xx)
// keeps a list already shown, and is the page's message when there is none.
import { isIdentityError } from "@platform/client";

export type UserListView = "forbidden" | "failed" | "list";

export function userListView(page: { error: unknown; data: unknown }): UserListView {
  if (isIdentityError(page.error) && page.error.data.code === "FORBIDDEN") return "forbidden";
  if (page.error && page.data === undefined) return "failed";
  return "list";
}
