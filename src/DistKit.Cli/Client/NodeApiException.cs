using DistKit.Core;

namespace DistKit.Cli.Client;

/// <summary>The node answered with an error body (<c>{"error":{"code","message"}}</c>).</summary>
public sealed class NodeApiException : DistKitException
{
    /// <summary>Creates the exception from the node's answer.</summary>
    public NodeApiException(int status, string code, string message) : base(message)
    {
        Status = status;
        Code = code;
        IsTransient = status is 409 or 429 or >= 500;
    }

    /// <summary>The HTTP status.</summary>
    public int Status { get; }

    /// <summary>The node's error code (<c>invalid_argument</c>, <c>conflict</c>, …).</summary>
    public string Code { get; }
}
