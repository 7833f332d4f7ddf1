using Microsoft.Extensions.Logging;

namespace DistKit.Scheduling.Diagnostics;

/// <summary>Every log line of the delayed-jobs capability, with its stable event id (3000–3099).</summary>
internal static partial class JobsLog
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "Took shard {Shard} under fence {Fence}")]
    public static partial void ShardTaken(ILogger logger, int shard, long fence);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Handed shard {Shard} back for rebalance")]
    public static partial void ShardReleased(ILogger logger, int shard);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Lost shard {Shard}: {Reason}")]
    public static partial void ShardLost(ILogger logger, int shard, string reason);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "The job store did not answer ({Step}); retrying: {Error}")]
    public static partial void StoreFailed(ILogger logger, string step, string error);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Job {Job} attempt {Attempt} failed: {Error}")]
    public static partial void DeliveryFailed(ILogger logger, string job, int attempt, string error);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Debug, Message = "Job {Job} attempt {Attempt} was not completed: its claim is no longer current")]
    public static partial void CompletionRefused(ILogger logger, string job, int attempt);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Error, Message = "The firing step {Step} failed and is retried: {Error}")]
    public static partial void LoopFailed(ILogger logger, string step, string error);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Error, Message = "Shard {Shard} was leased under fence {Fence}, below the {InForce} the job store has seen: the lease store was reset or is not the one the jobs were fired under; the shard is left alone")]
    public static partial void FenceBehind(ILogger logger, int shard, long fence, long inForce);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "The watch on new jobs ended; reloading the window: {Error}")]
    public static partial void WatchEnded(ILogger logger, string error);
}
