using System.Globalization;
using System.Text;
using DistKit.Scheduling.Jobs;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace DistKit.Nats.Jobs;

/// <summary>
/// Delivers jobs whose target is a NATS subject: publishes the job's data to JetStream and counts
/// the attempt done only once the stream has acknowledged it (stored it). Headers
/// <c>DistKit-Job-Id</c> and <c>DistKit-Attempt</c>, and <c>DistKit-Idempotency-Key</c> and
/// <c>DistKit-Job-Key</c> when set, let consumers drop a redelivery, as HTTP receivers do.
/// </summary>
/// <remarks>
/// A one-shot job without a business key has exactly one occurrence, so its id is also the
/// message's <c>Nats-Msg-Id</c>: a redelivery within the stream's duplicate window (two minutes by
/// default) is dropped by JetStream itself, and only one copy reaches consumers. A job that can be
/// replaced by key, or that recurs, gets no message id: a later version or occurrence under the same
/// id must not be taken for a duplicate.
/// </remarks>
/// <param name="connection">A NATS connection; not owned.</param>
/// <param name="time">Times each job's timeout. Default: the system clock.</param>
public sealed class NatsJobDelivery(INatsConnection connection, TimeProvider? time = null) : IJobDelivery
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly NatsJSContext _jetStream = new(connection ?? throw new ArgumentNullException(nameof(connection)));

    /// <inheritdoc />
    public JobTargetKind Kind => JobTargetKind.Nats;

    /// <inheritdoc />
    public async ValueTask<string?> DeliverAsync(Job job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var headers = new NatsHeaders
        {
            ["DistKit-Job-Id"] = job.Id,
            ["DistKit-Attempt"] = job.Attempt.ToString(CultureInfo.InvariantCulture),
        };
        if (job.IdempotencyKey is { } idempotencyKey)
        {
            headers["DistKit-Idempotency-Key"] = idempotencyKey;
        }

        if (job.Key is { } key)
        {
            headers["DistKit-Job-Key"] = key;
        }

        var options = new NatsJSPubOpts { MsgId = HasOneOccurrence(job) ? job.Id : null };
        using var deadline = new CancellationTokenSource(job.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            var ack = await _jetStream.PublishAsync(
                job.Target.Address, Encoding.UTF8.GetBytes(job.Data ?? ""), opts: options, headers: headers, cancellationToken: linked.Token);
            return ack.Error is { } error ? $"JetStream refused the message: {error.Description} ({error.Code})" : null;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return $"no JetStream acknowledgement within {job.Timeout.TotalMilliseconds:0} ms";
        }
        catch (NatsJSPublishNoResponseException)
        {
            return $"no JetStream stream takes subject '{job.Target.Address}'";
        }
        catch (NatsNoRespondersException)
        {
            return $"no JetStream stream takes subject '{job.Target.Address}'";
        }
        catch (NatsException e)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    private static bool HasOneOccurrence(Job job) => job.Cron is null && job.Key is null;
}
