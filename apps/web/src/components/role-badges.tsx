/** A user's roles, one badge each (the account page and the users table). */
export function RoleBadges({ roles }: { roles: readonly string[] }) {
  return (
    <ul className="role-list">
      {roles.map((role) => (
        <li key={role} className="badge">
          {role}
        </li>
      ))}
    </ul>
  );
}
