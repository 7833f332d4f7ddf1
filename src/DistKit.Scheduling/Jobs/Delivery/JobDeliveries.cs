namespace DistKit.Scheduling.Jobs;

/// <summary>The deliveries this process has, by target kind, and its named handlers.</summary>
internal sealed class JobDeliveries : IDisposable
{
    private readonly Dictionary<JobTargetKind, IJobDelivery> _byKind;
    private readonly IReadOnlyDictionary<string, JobHandler> _handlers;

    public JobDeliveries(IEnumerable<IJobDelivery> deliveries, IReadOnlyDictionary<string, JobHandler> handlers, TimeProvider time)
    {
        _handlers = handlers;
        _byKind = new() { [JobTargetKind.Handler] = new HandlerDelivery(handlers, time) };
        foreach (var delivery in deliveries)
        {
            _byKind[delivery.Kind] = delivery;
        }
    }

    public IJobDelivery? For(JobTargetKind kind) => _byKind.GetValueOrDefault(kind);

    public void Dispose()
    {
        foreach (var delivery in _byKind.Values.OfType<HttpCallbackDelivery>())
        {
            delivery.Dispose();
        }
    }

    /// <summary>Why a job for <paramref name="target"/> could not be delivered by this process's kind of deployment, or null.</summary>
    public string? ProblemWith(JobTarget target, bool firesHere)
    {
        if (target.Kind == JobTargetKind.Handler)
        {
            // A process that only schedules cannot know the handlers of the ones that fire.
            return !firesHere || _handlers.ContainsKey(target.Address)
                ? null
                : $"no handler '{target.Address}' is mapped (MapHandler); mapped: {(_handlers.Count == 0 ? "none" : string.Join(", ", _handlers.Keys.Order(StringComparer.Ordinal)))}";
        }

        return _byKind.ContainsKey(target.Kind) || !firesHere
            ? null
            : target.Kind == JobTargetKind.Nats
                ? "NATS targets need the DistKit.Nats package and AddNats()"
                : $"no delivery for {target.KindName} targets";
    }

    private sealed class HandlerDelivery(IReadOnlyDictionary<string, JobHandler> handlers, TimeProvider time) : IJobDelivery
    {
        public JobTargetKind Kind => JobTargetKind.Handler;

        public async ValueTask<string?> DeliverAsync(Job job, CancellationToken cancellationToken)
        {
            if (!handlers.TryGetValue(job.Target.Address, out var handler))
            {
                return $"no handler '{job.Target.Address}' is mapped in this process";
            }

            using var deadline = new CancellationTokenSource(job.Timeout, time);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
            try
            {
                // WaitAsync: a handler that ignores the token still fails the attempt at the timeout
                // (it keeps running; the next attempt may overlap it, as at-least-once allows).
                await handler(job, timeout.Token).WaitAsync(timeout.Token);
                return null;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return $"timed out after {job.Timeout.TotalMilliseconds:0} ms";
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return $"{e.GetType().Name}: {e.Message}";
            }
        }
    }
}
