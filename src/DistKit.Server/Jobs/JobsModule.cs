using DistKit.Core.Composition;
using DistKit.Scheduling.Jobs;
using DistKit.Server.Composition;
using DistKit.Server.Settings;
using Microsoft.Extensions.Options;

namespace DistKit.Server.Jobs;

/// <summary>The delayed-jobs capability in the node: <c>/v1/jobs</c>; the node fires HTTP callbacks.</summary>
internal sealed class JobsModule : INodeModule
{
    public string Capability => JobsOptions.Capability;

    public IReadOnlyList<NodeSetting> Settings { get; } =
    [
        new("Jobs:Shards", "DISTKIT_JOBS_SHARDS"),
        new("Jobs:Window", "DISTKIT_JOBS_WINDOW"),
        new("Jobs:LeaseTtl", "DISTKIT_JOBS_LEASE_TTL"),
        new("Jobs:Timeout", "DISTKIT_JOBS_TIMEOUT"),
        new("Jobs:Attempts", "DISTKIT_JOBS_ATTEMPTS"),
        new("Jobs:MaxPerHost", "DISTKIT_JOBS_MAX_PER_HOST"),
        new("Jobs:MaxConcurrent", "DISTKIT_JOBS_MAX_CONCURRENT"),
        new("Jobs:Fire", "DISTKIT_JOBS_FIRE"),
    ];

    public void AddServices(DistKitBuilder distKit) => distKit.AddJobs();

    public void MapRoutes(IEndpointRouteBuilder routes) => JobEndpoints.Map(routes);

    public string EngineOf(IServiceProvider services) => services.GetRequiredService<IOptions<JobsOptions>>().Value.Engine;
}
