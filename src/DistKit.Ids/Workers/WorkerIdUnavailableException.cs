using DistKit.Core;

namespace DistKit.Ids.Workers;

/// <summary>No worker id could be acquired; the message says why (held elsewhere, none free, the engine down).</summary>
public sealed class WorkerIdUnavailableException : DistKitException
{
    /// <summary>Creates the exception.</summary>
    public WorkerIdUnavailableException(string message, bool isTransient) : base(message) => IsTransient = isTransient;

    /// <summary>Creates the exception with the failure that caused it.</summary>
    public WorkerIdUnavailableException(string message, bool isTransient, Exception? innerException)
        : base(message, innerException) => IsTransient = isTransient;
}
