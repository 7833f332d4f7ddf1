using Microsoft.Extensions.Logging;

namespace DistKit.Ids.Diagnostics;

/// <summary>Every log line of the IDs capability, with its stable event id (3000–3099).</summary>
internal static partial class IdsLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Worker id {Worker} acquired for layout {Layout}")]
    public static partial void WorkerIdAcquired(ILogger logger, long worker, string layout);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Worker id {Worker} of layout {Layout} was lost: {Reason}; ids pause until another is acquired")]
    public static partial void WorkerIdLost(ILogger logger, long worker, string layout, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "No worker id for layout {Layout}: {Error}; trying again in {Delay}")]
    public static partial void WorkerIdUnavailable(ILogger logger, string layout, string error, string delay);
}
