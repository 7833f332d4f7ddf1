using System.Net;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using DistKit.Redis.Internal;
using DistKit.Scheduling.Jobs;
using StackExchange.Redis;

namespace DistKit.Redis.Jobs;

// Pub/sub: how a node hears of jobs other nodes schedule inside its window.
public sealed partial class RedisJobStore
{
    /// <inheritdoc />
    public async IAsyncEnumerable<DueJob> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var notices = System.Threading.Channels.Channel.CreateUnbounded<DueJob>(new UnboundedChannelOptions { SingleReader = true });
        IConnectionMultiplexer redis;
        try
        {
            redis = await _connect(cancellationToken);
        }
        catch (Exception e) when (RedisErrors.IsOutage(e))
        {
            throw RedisErrors.Unavailable(e);
        }

        // Pub/sub delivers nothing that was published while the connection was down, and the
        // client resubscribes silently: a drop must end the watch so the caller reloads its window.
        // Only the server holding the subscription matters: another endpoint's blip (a replica, an
        // interactive connection elsewhere) loses no notice and must not make every node reload.
        EndPoint? subscribedOn = null;
        void Dropped(object? sender, ConnectionFailedEventArgs args)
        {
            if (Volatile.Read(ref subscribedOn) is { } endpoint && !endpoint.Equals(args.EndPoint))
            {
                return;
            }

            notices.Writer.TryComplete(RedisErrors.Unavailable(args.Exception ?? new IOException($"the Redis connection dropped ({args.FailureType})")));
        }

        redis.ConnectionFailed += Dropped;
        ChannelMessageQueue? queue = null;
        try
        {
            try
            {
                var subscriber = redis.GetSubscriber();
                var channel = RedisChannel.Literal(_channel);
                queue = await subscriber.SubscribeAsync(channel);
                Volatile.Write(ref subscribedOn, subscriber.SubscribedEndpoint(channel));
            }
            catch (Exception e) when (RedisErrors.IsOutage(e))
            {
                throw RedisErrors.Unavailable(e);
            }

            queue.OnMessage(message =>
            {
                if (JobNotice.TryParse(message.Message, out var job))
                {
                    notices.Writer.TryWrite(job);
                }
            });
            if (!redis.IsConnected)
            {
                throw RedisErrors.Unavailable(new IOException("Redis is not connected"));
            }

            yield return default;
            await foreach (var job in notices.Reader.ReadAllAsync(cancellationToken))
            {
                yield return job;
            }
        }
        finally
        {
            redis.ConnectionFailed -= Dropped;
            if (queue is not null)
            {
                try
                {
                    await queue.UnsubscribeAsync();
                }
                catch (Exception e) when (RedisErrors.IsOutage(e))
                {
                    // The server forgets a dropped connection's subscriptions by itself.
                }
            }
        }
    }
}
