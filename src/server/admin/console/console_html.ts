/**
 * The operator console's HTML shell: structure only, no data, no inline script or style (the
 * CSP allows neither).
 * @module
 */

/** `GET /admin/`. */
export const CONSOLE_HTML: string = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>tlsync console</title>
<link rel="stylesheet" href="/admin/console/app.css">
<script defer src="/admin/console/app.js"></script>
</head>
<body>
<header>
  <h1>tlsync console</h1>
  <button type="button" id="signout" hidden>Sign out</button>
</header>
<p id="status" role="status"></p>
<section id="login">
  <form id="login-form">
    <label for="token">Admin token (<code>TLSYNC_ADMIN_TOKEN</code>)</label>
    <input id="token" name="token" type="password" autocomplete="off" spellcheck="false" required>
    <button type="submit" id="signin">Sign in</button>
  </form>
  <p id="login-error" role="alert"></p>
  <p class="hint">The token stays in this tab (sessionStorage) and is sent as
  <code>Authorization: Bearer</code> to the admin API; closing the tab forgets it.</p>
</section>
<main id="app" hidden>
  <section id="traffic">
    <h2>Traffic</h2>
    <dl id="totals"></dl>
    <p id="rates-now"></p>
    <div class="charts">
      <figure><figcaption>Pushes and commits per second</figcaption>
        <svg id="chart-rates" viewBox="0 0 600 160" role="img" aria-label="pushes and commits per second"></svg></figure>
      <figure><figcaption>Push → acknowledgement latency (estimated from histogram buckets)</figcaption>
        <svg id="chart-latency" viewBox="0 0 600 160" role="img" aria-label="push latency p50 and p99"></svg></figure>
    </div>
  </section>
  <section id="rooms">
    <h2>Rooms</h2>
    <p><input id="room-filter" type="search" placeholder="Filter by room id" aria-label="Filter by room id">
    <button type="button" id="refresh">Refresh</button> <span id="rooms-storage"></span></p>
    <table id="rooms-table">
      <thead><tr><th>Room</th><th>State</th><th>Sessions</th><th>Clock</th><th>Records</th><th>Size</th></tr></thead>
      <tbody></tbody>
    </table>
    <p id="rooms-more" class="more"></p>
  </section>
  <section id="room" hidden>
    <h2>Room <span id="room-id"></span></h2>
    <dl id="room-info"></dl>
    <p class="actions">
      <button type="button" id="records">Records</button>
      <button type="button" id="export">Export snapshot</button>
      <button type="button" id="show-history">History</button>
      <button type="button" id="close-sessions">Close sessions</button>
      <button type="button" id="delete-room" class="danger">Delete room</button>
    </p>
    <div id="confirm" class="confirm" hidden>
      <p id="confirm-text"></p>
      <button type="button" id="confirm-yes" class="danger">Confirm</button>
      <button type="button" id="confirm-no">Cancel</button>
    </div>
    <h3>Sessions</h3>
    <table id="sessions-table">
      <thead><tr><th>Session</th><th>User id</th><th>User name</th><th>Readonly</th><th>Address</th>
        <th>Connected</th><th>In</th><th>Out</th><th>State</th><th></th></tr></thead>
      <tbody></tbody>
    </table>
    <p id="sessions-more" class="more"></p>
    <section id="history" hidden>
      <h3>History</h3>
      <table id="history-table">
        <thead><tr><th>Clock</th><th>Time</th><th>Records</th><th>Size</th><th>Authors</th><th>Kind</th><th></th></tr></thead>
        <tbody></tbody>
      </table>
      <p id="history-more" class="more"></p>
    </section>
    <section id="preview" hidden>
      <h3 id="preview-title"></h3>
      <table id="type-counts">
        <thead><tr><th>Record type</th><th>Count</th></tr></thead>
        <tbody></tbody>
      </table>
      <table id="records-table">
        <thead><tr><th>Id</th><th>Type</th><th>Changed at clock</th><th>Props</th></tr></thead>
        <tbody></tbody>
      </table>
      <p id="records-more" class="more"></p>
    </section>
  </section>
</main>
</body>
</html>
`;
