using DistKit.Scheduling.Diagnostics;

namespace DistKit.Scheduling.Jobs;

/// <summary>
/// The <see cref="IJobScheduler"/> over one <see cref="IJobStore"/>: checks a request, gives the job
/// its id and shard, stores it, and hands a job due within the firing window straight to this
/// process's firing service (and, through the store, to the node that owns its shard).
/// </summary>
public sealed class JobScheduler : IJobScheduler
{
    private readonly IJobStore _store;
    private readonly JobsOptions _options;
    private readonly TimeProvider _time;
    private readonly JobDeliveries _deliveries;
    private readonly JobFiring? _firing;
    private readonly JobsTelemetry _telemetry;

    internal JobScheduler(IJobStore store, JobsOptions options, TimeProvider time, JobDeliveries deliveries, JobFiring? firing, JobsTelemetry telemetry)
    {
        _store = store;
        _options = options;
        _time = time;
        _deliveries = deliveries;
        _firing = firing;
        _telemetry = telemetry;
    }

    /// <inheritdoc />
    public async ValueTask<ScheduledJob> ScheduleAsync(JobRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = _time.GetUtcNow();
        var job = Build(request, now);
        // Told through the store even when this process owns the shard now: it may not by the
        // time the job commits, and a job replaced by key keeps the shard of the job it replaces.
        var notify = job.Due < now + _options.Window;
        var scheduled = await _store.ScheduleAsync(job, notify, cancellationToken);
        _telemetry.Scheduled(scheduled.Outcome);
        if (scheduled.Outcome != ScheduleOutcome.Existing)
        {
            _firing?.Offer(new DueJob(scheduled.Job.Id, scheduled.Job.Shard, scheduled.Job.Due, scheduled.Job.Updated.ToUnixTimeMilliseconds()));
        }

        return scheduled;
    }

    /// <inheritdoc />
    public ValueTask<Job?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return JobIds.IsWellFormed(id) ? _store.GetAsync(id, cancellationToken) : ValueTask.FromResult<Job?>(null);
    }

    /// <inheritdoc />
    public ValueTask<Job?> CancelAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        return JobIds.IsWellFormed(id) ? _store.CancelAsync(id, cancellationToken) : ValueTask.FromResult<Job?>(null);
    }

    /// <inheritdoc />
    public ValueTask<Job?> CancelByKeyAsync(string key, CancellationToken cancellationToken = default)
    {
        CheckKey(key, nameof(key));
        return _store.CancelByKeyAsync(key, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<Job>> ListAsync(JobState? state = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 1000);
        return _store.ListAsync(state, limit, cancellationToken);
    }

    private Job Build(JobRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request.Target, nameof(request.Target));
        var whens = (request.At is null ? 0 : 1) + (request.In is null ? 0 : 1) + (request.Cron is null ? 0 : 1);
        if (whens != 1)
        {
            throw new ArgumentException("give exactly one of At, In and Cron", nameof(request));
        }

        var latest = now + JobsOptions.MaxDelay;
        DateTimeOffset due;
        if (request.In is { } delay)
        {
            if (delay < TimeSpan.Zero || delay > JobsOptions.MaxDelay)
            {
                throw new ArgumentException($"In must be 0 to {JobsOptions.MaxDelay.TotalDays:0} days; got {delay}", nameof(request));
            }

            due = now + delay;
        }
        else if (request.At is { } at)
        {
            due = at <= latest ? at : throw new ArgumentException($"At must be within {JobsOptions.MaxDelay.TotalDays:0} days", nameof(request));
        }
        else
        {
            DateTimeOffset? next;
            try
            {
                next = CronSchedule.Next(request.Cron!, now);
            }
            catch (FormatException e)
            {
                throw new ArgumentException(e.Message, nameof(request), e);
            }

            due = next is { } occurrence && occurrence <= latest
                ? occurrence
                : throw new ArgumentException($"cron '{request.Cron}' has no occurrence in the next {JobsOptions.MaxDelay.TotalDays:0} days", nameof(request));
        }

        if (request.Data is { Length: > JobsOptions.MaxDataLength })
        {
            throw new ArgumentException($"Data is {request.Data.Length} characters; at most {JobsOptions.MaxDataLength}", nameof(request));
        }

        if (request.Data is { } data && !IsStorableText(data))
        {
            throw new ArgumentException("Data must be text without NUL characters or unpaired surrogates", nameof(request));
        }

        if (request.Key is not null)
        {
            CheckKey(request.Key, nameof(request.Key));
        }

        if (request.IdempotencyKey is not null)
        {
            CheckKey(request.IdempotencyKey, nameof(request.IdempotencyKey));
        }

        var timeout = request.Timeout ?? _options.Timeout;
        if (timeout < TimeSpan.FromMilliseconds(1) || timeout > JobsOptions.MaxTimeout)
        {
            throw new ArgumentException($"Timeout must be 1 ms to 60 s; got {timeout}", nameof(request));
        }

        var retry = request.Retry ?? _options.Retry;
        try
        {
            retry.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentException(e.Message.Split(" (Parameter")[0], nameof(request), e);
        }

        if (_deliveries.ProblemWith(request.Target, firesHere: _firing is not null) is { } problem)
        {
            throw new ArgumentException(problem, nameof(request));
        }

        var id = JobIds.New(_time);
        return new Job
        {
            Id = id,
            Shard = JobIds.ShardOf(id, _options.Shards),
            State = JobState.Scheduled,
            Due = due,
            Cron = request.Cron,
            Target = request.Target,
            Data = request.Data,
            Key = request.Key,
            IdempotencyKey = request.IdempotencyKey,
            Attempt = 0,
            Retry = retry,
            Timeout = timeout,
            Misfire = request.Misfire,
            Created = now,
            Updated = now,
        };
    }

    // What every store can keep and give back unchanged: PostgreSQL's text refuses NUL, and an
    // unpaired surrogate has no UTF-8 form.
    private static bool IsStorableText(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0' || char.IsLowSurrogate(c))
            {
                return false;
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
            }
        }

        return true;
    }

    private static void CheckKey(string key, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(key, name);
        if (key.Length > 200 || key.Any(char.IsControl) || !IsStorableText(key))
        {
            throw new ArgumentException($"{name} must be 1 to 200 characters without control characters", name);
        }
    }
}
