using DistKit.Core;

namespace DistKit.Client;

/// <summary>The node answered with an error: its HTTP status and the <c>error.code</c> of its body.</summary>
public sealed class NodeApiException : DistKitException
{
    /// <summary>Creates the exception for an error answer.</summary>
    public NodeApiException(int status, string code, string message)
        : base(message)
    {
        Status = status;
        Code = code;

        // 503 is an engine behind the node that is down; 429 and gateway errors pass as well.
        IsTransient = status is 429 or 502 or 503 or 504;
    }

    /// <summary>The HTTP status.</summary>
    public int Status { get; }

    /// <summary>The machine-readable error code (<c>invalid_argument</c>, <c>conflict</c>, <c>unavailable</c>, …).</summary>
    public string Code { get; }
}
