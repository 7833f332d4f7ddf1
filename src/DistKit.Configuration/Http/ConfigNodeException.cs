using DistKit.Core;

namespace DistKit.Configuration.Http;

/// <summary>A node refused a <c>/v1/config</c> request, or could not be reached.</summary>
public sealed class ConfigNodeException : DistKitException
{
    /// <summary>Creates the exception for an answer with <paramref name="status"/> (0: no answer) and the node's error <paramref name="code"/>.</summary>
    public ConfigNodeException(int status, string code, string message, Exception? innerException = null) : base(message, innerException)
    {
        Status = status;
        Code = code;
        IsTransient = status is 0 or 502 or 503 or 504;
    }

    /// <summary>The HTTP status, or 0 when the node did not answer.</summary>
    public int Status { get; }

    /// <summary>The node's error code (<c>conflict</c>, <c>invalid_value</c>, <c>not_found</c>, …), or <c>unreachable</c>.</summary>
    public string Code { get; }
}
