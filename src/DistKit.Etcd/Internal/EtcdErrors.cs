using DistKit.Core;
using Grpc.Core;

namespace DistKit.Etcd.Internal;

/// <summary>Which client failures mean "etcd is not answering", and the exception they become at DistKit's boundary.</summary>
internal static class EtcdErrors
{
    /// <summary>
    /// True for gRPC statuses that describe the transport or a server in trouble (no leader,
    /// restarting, overloaded), not the request; <c>Cancelled</c> counts only when the caller did
    /// not cancel, since a connection torn down mid-call also reports it.
    /// </summary>
    public static bool IsOutage(Exception e, CancellationToken callerToken) => e switch
    {
        RpcException rpc => rpc.StatusCode switch
        {
            StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Unknown or StatusCode.Internal
                or StatusCode.Aborted or StatusCode.ResourceExhausted => true,
            StatusCode.Cancelled => !callerToken.IsCancellationRequested,
            _ => false,
        },
        HttpRequestException or IOException => true,
        _ => false,
    };

    public static EngineUnavailableException Unavailable(Exception e)
    {
        Diagnostics.EtcdDiagnostics.EngineError("etcd");
        return new("etcd", e);
    }
}
