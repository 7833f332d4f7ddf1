namespace DistKit.Balancing.Discovery;

/// <summary>
/// Follows a service's discovery until stopped: every list to <c>onList</c>, every failure to
/// <c>onFailure</c>, then a pause of 0.5 s doubling to 15 s (back to 0.5 s after a list) and a
/// new watch. What the service balancers and the gRPC resolver both run.
/// </summary>
internal static class DiscoveryFollower
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromSeconds(15);

    public static async Task FollowAsync(
        IServiceDiscovery discovery, string service, Action<IReadOnlyList<ServiceEndpoint>> onList, Action<Exception> onFailure, TimeProvider time, CancellationToken stop)
    {
        await Task.Yield(); // never run discovery on the caller's stack (it may hold a lock)
        var pause = FirstRetry;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await foreach (var endpoints in discovery.WatchAsync(service, stop).ConfigureAwait(false))
                {
                    onList(endpoints);
                    pause = FirstRetry;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                onFailure(e);
            }

            try
            {
                await Task.Delay(pause, time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            pause = pause * 2 > LongestRetry ? LongestRetry : pause * 2;
        }
    }
}
