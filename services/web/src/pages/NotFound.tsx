import { Link } from "react-router";

export function NotFound() {
  return (
    <section>
      <h1>No such page</h1>
      <p>
        This address is not a dashboard page. Start from the <Link to="/">overview</Link>.
      </p>
    </section>
  );
}
