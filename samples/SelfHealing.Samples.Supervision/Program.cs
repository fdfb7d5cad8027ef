// Two background workers under a supervisor: an order consumer that crashes on a network glitch and is restarted
// from its checkpointed offset, and an inventory sync that is paused while the warehouse's circuit is open and
// resumed when it lets calls through again.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SelfHealing.CircuitBreakers;
using SelfHealing.Events;
using SelfHealing.Samples.Supervision;
using SelfHealing.Supervision;

HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders(); // the sample prints the tree's events itself
builder.Services.AddSingleton<OrderLog>();
builder.Services.AddSingleton<Warehouse>();
builder.Services.AddSelfHealing(selfHealing => selfHealing
    .AddCircuitBreaker("warehouse", options =>
    {
        options.FailureRatio = 0.5;
        options.MinimumThroughput = 3;
        options.BreakDuration = TimeSpan.FromMilliseconds(500);
    })
    .AddSupervisor("orders", supervisor => supervisor
        .Strategy(SupervisionStrategy.OneForOne)
        .RestartIntensity(maxRestarts: 3, within: TimeSpan.FromSeconds(10))
        .Backoff(initial: TimeSpan.FromMilliseconds(200), maximum: TimeSpan.FromSeconds(5))
        .AddWorker<OrderConsumer>("order-consumer")
        .AddWorker<InventorySync>("inventory-sync", worker => worker.PauseWhileOpen("warehouse"))));

using IHost host = builder.Build();
var time = host.Services.GetRequiredService<TimeProvider>();
long started = time.GetTimestamp();
string Elapsed() => $"{time.GetElapsedTime(started).TotalSeconds,5:0.00}s";

// Print the tree's and the breaker's changes as they happen, from the event hub.
using EventSubscription events = host.Services.GetRequiredService<IEventHub>().Subscribe("sample-supervision", e => e is WorkerStateChanged or CircuitStateChanged);
Task printer = Task.Run(async () =>
{
    await foreach (SelfHealingEvent e in events.Reader.ReadAllAsync())
    {
        switch (e)
        {
            case WorkerStateChanged { IsSupervisor: false } w when w.State != WorkerState.Stopping && w.PreviousState != WorkerState.Created:
                Console.WriteLine($"{Elapsed()}  {w.Name}: {w.PreviousState} -> {w.State} ({w.Reason})");
                break;
            case CircuitStateChanged c:
                Console.WriteLine($"{Elapsed()}  circuit '{c.CircuitName}': {c.PreviousState} -> {c.State} ({c.Reason})");
                break;
        }
    }
});

var queue = host.Services.GetRequiredService<OrderLog>();
var warehouse = host.Services.GetRequiredService<Warehouse>();
var breaker = host.Services.GetRequiredKeyedService<CircuitBreaker>("warehouse");
var tree = host.Services.GetRequiredService<SupervisionTree>();
await host.StartAsync();

// Orders arrive every 100 ms; the warehouse is down from 1.0 s to 2.6 s.
for (int order = 0; order < 25; order++)
{
    queue.Publish(order);
    await Task.Delay(100);
}

using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
while ((queue.Handled.Count < queue.Count || breaker.State != CircuitState.Closed || tree.GetStatus("inventory-sync")!.State != WorkerState.Running)
    && !deadline.IsCancellationRequested)
{
    await Task.Delay(50);
}

await host.StopAsync();
events.Dispose();
await printer;

IReadOnlyList<int> handled = queue.Handled;
bool once = handled.SequenceEqual(Enumerable.Range(0, queue.Count));
Console.WriteLine();
Console.WriteLine($"Orders: {handled.Count} of {queue.Count} handled, {(once ? "every order handled once, in order" : "NOT each once: " + string.Join(",", handled))}");
Console.WriteLine($"Consumer: restarted {tree.GetStatus("order-consumer")!.Restarts} time(s)");
Console.WriteLine($"Inventory sync: {warehouse.Syncs} syncs; started {tree.GetStatus("inventory-sync")!.Restarts + 1} time(s) (each pause stops it; each resume starts it)");
Console.WriteLine($"Stopped in reverse order: {string.Join(", ", tree.Workers.Where(w => !w.IsSupervisor).Reverse().Select(w => $"{w.Name} {w.State}"))}");
