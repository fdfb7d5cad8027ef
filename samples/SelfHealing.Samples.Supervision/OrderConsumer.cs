using SelfHealing.Supervision;

namespace SelfHealing.Samples.Supervision;

/// <summary>
/// Reads orders from the queue and handles them, checkpointing its offset after each one, so a restart resumes
/// where the crash happened: nothing is skipped and nothing handled is handled again.
/// </summary>
public sealed class OrderConsumer(OrderLog queue) : ISupervisedWorker
{
    public async Task RunAsync(WorkerContext context, CancellationToken stoppingToken)
    {
        long offset = context.GetState<long>();
        if (context.Restarts > 0)
        {
            Console.WriteLine($"           order-consumer: restart {context.Restarts} after \"{context.LastFailure?.Message}\", resuming from offset {offset}");
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            int order = await queue.ReadAsync(offset, stoppingToken);
            queue.Handle(order);
            await context.CheckpointAsync(++offset, stoppingToken);
        }
    }
}
