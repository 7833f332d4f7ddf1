using Microsoft.Extensions.Logging;

namespace DistKit.Locks.Diagnostics;

/// <summary>Every log line of the locks capability, with its stable event id (2000–2099).</summary>
internal static partial class LocksLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Lock {Lock} on {Backend} was lost while held: {Reason}")]
    public static partial void LockLost(ILogger logger, string @lock, string backend, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "Acquiring lock {Lock} on {Backend} failed: {Error}")]
    public static partial void AcquireFailed(ILogger logger, string @lock, string backend, string error);
}
