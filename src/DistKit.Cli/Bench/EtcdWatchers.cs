using Etcdserverpb;
using Google.Protobuf;
using Grpc.Net.Client;

namespace DistKit.Cli.Bench;

/// <summary>
/// The reference: N etcd watchers of one key, each its own watch stream, spread over a few gRPC
/// channels (as N client processes would each have one), stamping each put event's arrival.
/// </summary>
internal sealed class EtcdWatchers : IAsyncDisposable
{
    private const int Channels = 16;
    private readonly List<GrpcChannel> _channels = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _readers = [];
    private readonly Action<int, long, long> _received;
    private int _watching;

    public EtcdWatchers(string url, Action<int, long, long> received)
    {
        for (var i = 0; i < Channels; i++)
        {
            _channels.Add(GrpcChannel.ForAddress(url, new GrpcChannelOptions { ThrowOperationCanceledOnCancellation = true }));
        }

        _received = received;
    }

    public async Task ConnectAsync(int count, string key, CancellationToken cancellationToken)
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        for (var i = 0; i < count; i++)
        {
            var watcher = i;
            var client = new Watch.WatchClient(_channels[i % Channels]);
            _readers.Add(Task.Run(() => ReadAsync(client, watcher, key, count, open), CancellationToken.None));
        }

        await open.Task.WaitAsync(cancellationToken);
    }

    private async Task ReadAsync(Watch.WatchClient client, int watcher, string key, int count, TaskCompletionSource open)
    {
        try
        {
            using var call = client.Watch(cancellationToken: _stop.Token);
            await call.RequestStream.WriteAsync(new WatchRequest { CreateRequest = new WatchCreateRequest { Key = ByteString.CopyFromUtf8(key) } }, _stop.Token);
            while (await call.ResponseStream.MoveNext(_stop.Token))
            {
                var response = call.ResponseStream.Current;
                if (response.Created)
                {
                    if (Interlocked.Increment(ref _watching) == count)
                    {
                        open.TrySetResult();
                    }

                    continue;
                }

                var now = TimeProvider.System.GetTimestamp();
                foreach (var e in response.Events)
                {
                    _received(watcher, e.Kv.ModRevision, now);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is Grpc.Core.RpcException or HttpRequestException or IOException)
        {
            open.TrySetException(new InvalidOperationException($"etcd watcher {watcher} failed: {e.Message}", e));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_readers).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        _stop.Dispose();
    }
}
