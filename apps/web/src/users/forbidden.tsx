/** What a user without the admin role sees on the users page. */
export function Forbidden() {
  return (
    <section className="card notice-card" aria-labelledby="forbidden-title">
      <h2 id="forbidden-title">Not available to your account</h2>
      <p>Only an admin can see and manage users. Ask an admin for access if you need it.</p>
    </section>
  );
}
