using Microsoft.Extensions.Logging;

namespace DistKit.Configuration.Diagnostics;

/// <summary>Every log line of the configuration capability, with its stable event id (5000–5099).</summary>
internal static partial class ConfigLog
{
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Published revision {Revision} of {ConfigNamespace} ({Kind}, {Changes} changes) by {Author}")]
    public static partial void Published(ILogger logger, long revision, string configNamespace, ReleaseKind kind, int changes, string author);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "Reading new releases from the configuration store failed; retrying: {Error}")]
    public static partial void FollowFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "The configuration store's change notices ended; polling until they resume: {Error}")]
    public static partial void NoticesEnded(ILogger logger, string error);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Loaded {ConfigNamespace} revision {Revision} from {Source}")]
    public static partial void ProviderLoaded(ILogger logger, string configNamespace, long revision, string source);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "The configuration node {Node} is unreachable; serving {ConfigNamespace} from {Source} and retrying: {Error}")]
    public static partial void ProviderUnreachable(ILogger logger, string node, string configNamespace, string source, string error);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "Ignoring the disk copy {Path}: {Problem}")]
    public static partial void CacheIgnored(ILogger logger, string path, string problem);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "Refusing revision {Revision} of {ConfigNamespace}: {Problem}; keeping the configuration held")]
    public static partial void ProviderRefused(ILogger logger, long revision, string configNamespace, string problem);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Warning, Message = "Writing the disk copy {Path} failed: {Error}")]
    public static partial void CacheWriteFailed(ILogger logger, string path, string error);
}
