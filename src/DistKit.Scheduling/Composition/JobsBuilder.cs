using DistKit.Scheduling.Jobs;

namespace DistKit.Scheduling.Composition;

/// <summary>What <c>AddJobs(jobs => …)</c> configures: the handlers this process delivers jobs to, and its options.</summary>
public sealed class JobsBuilder
{
    private readonly Dictionary<string, JobHandler> _handlers = new(StringComparer.Ordinal);
    private readonly List<Action<JobsOptions>> _configure = [];

    internal IReadOnlyDictionary<string, JobHandler> Handlers => _handlers;

    internal IReadOnlyList<Action<JobsOptions>> Configure => _configure;

    /// <summary>
    /// Delivers jobs whose target is <c>JobTarget.Handler(<paramref name="name"/>)</c> to
    /// <paramref name="handler"/>. Every process that fires jobs must map the same names.
    /// </summary>
    public JobsBuilder MapHandler(string name, JobHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _ = JobTarget.Handler(name);
        if (!_handlers.TryAdd(name, handler))
        {
            throw new ArgumentException($"a handler named '{name}' is already mapped", nameof(name));
        }

        return this;
    }

    /// <summary>Changes the options after the configuration is read.</summary>
    public JobsBuilder Options(Action<JobsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _configure.Add(configure);
        return this;
    }
}
