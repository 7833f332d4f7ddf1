using DistKit.Core;

namespace DistKit.Server;

/// <summary>The node could not start (address in use, data directory not writable); the message is one line.</summary>
public sealed class NodeStartupException : DistKitException
{
    /// <summary>Creates the exception.</summary>
    public NodeStartupException(string message, Exception? innerException) : base(message, innerException) { }
}
