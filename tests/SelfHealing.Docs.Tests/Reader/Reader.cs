// The reader's program as the docs imagine it: the names a fragment takes from around it, and the reader's own
// types (an orders service with a database, a pricing client, a pager). Compiled with every snippet by
// SnippetCompilationTests; none of it is SelfHealing.
#nullable enable
#pragma warning disable CS0649, CS8618, IDE1006
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DocSnippets;

public abstract class Reader
{
    protected WebApplicationBuilder builder;
    protected WebApplication app;
    protected ISelfHealingBuilder b;
    protected IServiceCollection services;
    protected CancellationToken cancellationToken;
    protected CancellationToken ct;
    protected ILogger logger;
    protected CircuitBreaker breaker;
    protected IMetricsCollector metrics;
    protected HealthMonitor monitor;
    protected AdaptiveConfigManager config;
    protected AdaptiveConfigManager adaptiveConfig;
    protected IClusterCoordinator coordinator;
    protected OrdersClient ordersClient;
    protected PricingClient pricing;
    protected HttpClient httpClient;
    protected OrdersDatabase database;
    protected ConnectionPool pool;
    protected ResponseCache cache;
    protected IReadOnlyDictionary<string, object> everyValue;
    protected IReadOnlyDictionary<string, object> changes;
    protected Chromosome chromosome;
    protected IReadOnlyList<GeneDefinition> genes;
    protected double sample;
    protected MetricThreshold memoryThreshold;
    protected IReadOnlyList<(DateTimeOffset Time, double Value)> recentSamples;
    protected IReadOnlyList<(DateTimeOffset Time, double Value)> latencySamples;
    protected DateTimeOffset bucketStart;
    protected double value;
    protected string webhookUrl;

    protected static void use<T>(T value) { }

    protected static ValueTask<Order> LoadAsync(CancellationToken ct) => ValueTask.FromResult(new Order());

    protected static bool HasReplica() => true;

    protected static Task RestartSharedDatabaseAsync() => Task.CompletedTask;

    protected static ValueTask RestartDatabaseAsync(CancellationToken ct) => ValueTask.CompletedTask;

    protected static Task WriteAsync(Order order) => Task.CompletedTask;

    protected static ValueTask<double> MeasureAsync(Chromosome chromosome, CancellationToken ct) => ValueTask.FromResult(0.0);

    protected static double CheckoutErrorRate() => 0;
}

public sealed class Order;

public sealed record Price(decimal Amount)
{
    public static Price Unknown { get; } = new(0);
}

public sealed class OrdersOptions
{
    public int PoolSize { get; set; }
}

public sealed class OrdersClient
{
    public Task<Order> GetOrderAsync(int id, CancellationToken ct) => Task.FromResult(new Order());
}

public sealed class PricingClient
{
    public Task<Price> GetAsync(CancellationToken ct) => Task.FromResult(Price.Unknown);
}

public sealed class OrdersDatabase
{
    public Task<bool> TryEnterMaintenanceAsync(long fence, CancellationToken ct) => Task.FromResult(true);

    public Task RestartAsync(CancellationToken ct) => Task.CompletedTask;
}

public sealed class ConnectionPool
{
    public ValueTask ResetAsync(CancellationToken ct) => ValueTask.CompletedTask;

    public ValueTask ApplyAsync(IReadOnlyDictionary<string, string> changes, CancellationToken ct) => ValueTask.CompletedTask;

    public ValueTask ResizeAsync(double factor, CancellationToken ct) => ValueTask.CompletedTask;

    public ValueTask<object?> SnapshotAsync(CancellationToken ct) => ValueTask.FromResult<object?>(null);

    public ValueTask RestoreAsync(object? state, CancellationToken ct) => ValueTask.CompletedTask;
}

public sealed class ResponseCache
{
    public ValueTask ServeStaleAsync(bool active, CancellationToken ct) => ValueTask.CompletedTask;
}

public sealed class DatabaseCheck : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HealthCheckResult.Healthy());
}

public sealed class OrdersProbe : IHealthProbe
{
    public ValueTask<HealthMetrics> ProbeAsync(CancellationToken cancellationToken) => ValueTask.FromResult(new HealthMetrics());
}

public sealed class PagerSink : IHealthAlertSink, IIncidentSink
{
    public ValueTask SendAsync(HealthAlert alert, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask NotifyAsync(Incident incident, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

public sealed class TeamsSink(string webhookUrl) : IHealthAlertSink
{
    public string WebhookUrl { get; } = webhookUrl;

    public ValueTask SendAsync(HealthAlert alert, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

public sealed class PaymentsGateway : HealableComponent
{
    public override RecoveryCapabilities Capabilities => RecoveryCapabilities.Restart;

    public override ValueTask RestartAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

public sealed class ChatOpsGate : IRecoveryApprovalGate
{
    public ValueTask<bool> ApproveAsync(RecoveryApprovalRequest request, CancellationToken cancellationToken) => ValueTask.FromResult(false);
}

public sealed class OrderQueue
{
    public Task<Order> ReadAsync(long offset, CancellationToken ct) => Task.FromResult(new Order());

    public Task HandleAsync(Order order, CancellationToken ct) => Task.CompletedTask;
}

public sealed class InventorySync : ISupervisedWorker
{
    public Task RunAsync(WorkerContext context, CancellationToken stoppingToken) => Task.Delay(Timeout.Infinite, stoppingToken);
}

public sealed class OrderConsumer : ISupervisedWorker
{
    public Task RunAsync(WorkerContext context, CancellationToken stoppingToken) => Task.Delay(Timeout.Infinite, stoppingToken);
}
