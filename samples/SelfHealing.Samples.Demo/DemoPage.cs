namespace SelfHealing.Samples.Demo;

/// <summary>The demo's own page: the three scenarios' buttons, what the running one says, a link to the dashboard.</summary>
internal static class DemoPage
{
    public const string Html = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>SelfHealing demo</title><link rel="icon" href="data:,">
        <style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:760px;padding:0 1rem}button{font:inherit;margin:.25rem .5rem .25rem 0}pre{background:#f4f5f7;padding:.75rem;white-space:pre-wrap}.lab{display:flex;gap:1rem}.lab div{flex:1;border:1px solid #ddd;border-radius:6px;padding:.5rem}.lab span{display:block;font-size:1.4rem}</style>
        </head><body>
        <h1>SelfHealing demo</h1>
        <p>A simulated shop of ten components under steady load, with breakers, health monitoring, recovery, the metrics
        collector and the optimizer. Open the <a href="/selfhealing/" target="_blank">dashboard</a>, then start a scenario.</p>
        <p>
          <button data-scenario="basic">1. A component fails and recovers</button>
          <button data-scenario="optimize">2. Self-optimization</button>
          <button data-scenario="cascade">3. A cascade contained</button>
        </p>
        <div class="lab"><div><b>Without breakers</b><span id="without">–</span></div><div><b>With a breaker</b><span id="with">–</span></div></div>
        <pre id="log">No scenario has run yet.</pre>
        <script>
          const log = document.getElementById('log');
          document.querySelectorAll('button[data-scenario]').forEach(b => b.onclick = async () => {
            const r = await fetch('/demo/scenarios/' + b.dataset.scenario, { method: 'POST' });
            if (!r.ok) { log.textContent = await r.text(); }
          });
          // Scenario 3 side by side: the share of the cascade lab's requests that failed in the last half second.
          let last = null;
          const share = (now, before) => {
            const served = now.served - before.served, failed = now.failed - before.failed;
            return served + failed === 0 ? 'idle' : Math.round(100 * failed / (served + failed)) + ' % failed';
          };
          setInterval(async () => {
            const s = await (await fetch('/demo/status')).json();
            if (s.log.length) { log.textContent = (s.running ? 'running: ' + s.running + '\n' : '') + s.log.join('\n'); }
            if (last) {
              document.getElementById('without').textContent = share(s.lab.withoutBreaker, last.withoutBreaker);
              document.getElementById('with').textContent = share(s.lab.withBreaker, last.withBreaker);
            }
            last = s.lab;
          }, 500);
        </script>
        </body></html>
        """;
}
