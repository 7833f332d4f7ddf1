using DistKit.Core.Leases;
using DistKit.Scheduling.Diagnostics;

namespace DistKit.Scheduling.Jobs;

internal sealed partial class JobFiring
{
    /// <summary>The lease name of a shard.</summary>
    public static string LeaseName(int shard) => $"distkit/jobs/shard/{shard}";

    // On its own loop: a rebalance that waits for a hand-back to drain must not stop this node
    // from being counted, or the others would take its share and hand it back again.
    private async Task HeartbeatLoopAsync()
    {
        var period = _options.Lease.Ttl / 10;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                Volatile.Write(ref _liveNodes, Math.Max(1, await _store.HeartbeatAsync(Node, _options.Lease.EngineTtl, _stop.Token)));
            }
            catch (Exception e) when (Survivable(e, "heartbeat"))
            {
            }

            await PauseAsync(period);
        }
    }

    // Every node keeps about shards / live-nodes shards: it takes free ones while below its share
    // and hands back the excess when nodes join. Probing runs at a tenth of the lease TTL, so a
    // dead node's shards are taken soon after its leases run out.
    private async Task RebalanceLoopAsync()
    {
        var period = _options.Lease.Ttl / 10;
        int start;
        lock (_random)
        {
            start = _random.Next(_options.Shards);
        }
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var live = Volatile.Read(ref _liveNodes);
                var share = (_options.Shards + live - 1) / live;
                OwnedShard[] owned;
                lock (_gate)
                {
                    owned = [.. _owned.Values.OrderBy(s => s.Shard)];
                }

                if (owned.Length > share)
                {
                    // Hand back the shards furthest from where this node starts probing, so the
                    // ones it keeps stay stable as nodes come and go.
                    await Task.WhenAll(owned.OrderByDescending(s => (s.Shard - start + _options.Shards) % _options.Shards)
                        .Take(owned.Length - share).Select(HandBackAsync));
                }
                else if (owned.Length < share)
                {
                    await TakeShardsAsync(share - owned.Length, start);
                }
            }
            catch (Exception e) when (Survivable(e, "rebalance"))
            {
            }

            await PauseAsync(period);
        }
    }

    private async Task TakeShardsAsync(int wanted, int start)
    {
        for (var i = 0; i < _options.Shards && wanted > 0 && !_stop.IsCancellationRequested; i++)
        {
            var shard = (start + i) % _options.Shards;
            lock (_gate)
            {
                if (_owned.ContainsKey(shard))
                {
                    continue;
                }
            }

            // Each shard's lease renews on a period of its own (80 to 100 % of the configured one, never
            // below the tenth of the TTL a lease allows):
            // shards taken together would otherwise renew together, a burst of one statement per
            // shard every period that the store's other work (claims) queues behind.
            double spread;
            lock (_random)
            {
                spread = 0.8 + 0.2 * _random.NextDouble();
            }

            var leaseOptions = _options.Lease with { RenewEvery = TimeSpan.FromTicks(Math.Max(_options.Lease.Ttl.Ticks / 10, (long)(_options.Lease.RenewPeriod.Ticks * spread))) };
            var lease = await _leases.TryAcquireAsync(LeaseName(shard), leaseOptions, _stop.Token);
            if (lease is null)
            {
                continue;
            }

            long inForce;
            try
            {
                // From here on, claims and completions under the previous owner's fence fail.
                inForce = await _store.OpenShardAsync(shard, lease.FencingToken, _stop.Token);
            }
            catch
            {
                await lease.DisposeAsync();
                throw;
            }

            if (inForce != lease.FencingToken)
            {
                JobsLog.FenceBehind(_telemetry.Logger, shard, lease.FencingToken, inForce);
                await lease.DisposeAsync();
                continue;
            }

            var owned = new OwnedShard(shard, lease);
            lock (_gate)
            {
                if (_state != 1)
                {
                    owned.Closing = true;
                }
                else
                {
                    _owned[shard] = owned;
                }
            }

            if (owned.Closing)
            {
                await lease.DisposeAsync();
                return;
            }

            lease.Lost.UnsafeRegister(static state =>
            {
                var (firing, taken) = ((JobFiring, OwnedShard))state!;
                firing.OnLost(taken);
            }, (this, owned));
            _telemetry.ShardsChanged(1);
            JobsLog.ShardTaken(_telemetry.Logger, shard, lease.FencingToken);
            wanted--;
            await LoadShardAsync(shard);
        }
    }

    private void OnLost(OwnedShard shard)
    {
        if (shard.Lease.LossReason == LeaseLossReason.Released)
        {
            return;
        }

        lock (_gate)
        {
            if (!_owned.TryGetValue(shard.Shard, out var current) || current != shard)
            {
                return;
            }

            _owned.Remove(shard.Shard);
            shard.Closing = true;
            DropPendingOf(shard.Shard);
        }

        _telemetry.ShardsChanged(-1);
        JobsLog.ShardLost(_telemetry.Logger, shard.Shard, shard.Lease.LossReason.ToString());
        // Deliveries in flight run on; their completions fail once the next owner opens the shard,
        // and it redelivers them (a duplicate with a higher attempt number). Disposed off the thread
        // reporting the loss (the lease's own renewal, possibly).
        _ = Task.Run(() => shard.Lease.DisposeAsync().AsTask());
    }

    // Hands a shard to whichever node takes it next without a double fire: nothing new is claimed,
    // deliveries in flight finish and complete under this fence, and only then is the lease released.
    private async Task HandBackAsync(OwnedShard shard)
    {
        lock (_gate)
        {
            if (!_owned.Remove(shard.Shard))
            {
                return;
            }

            shard.Closing = true;
            _closing.Add(shard);
            DropPendingOf(shard.Shard);
            if (shard.InFlight == 0)
            {
                shard.Drained.TrySetResult();
            }
        }

        try
        {
            await shard.Drained.Task.WaitAsync(LongestDelivery, _time, _stop.Token);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopping: StopAsync drains every delivery, then releases this lease with the rest.
            return;
        }
        catch (TimeoutException)
        {
            // Released anyway: the next owner redelivers what is still running here.
        }

        lock (_gate)
        {
            if (!_closing.Remove(shard))
            {
                return; // StopAsync took it
            }
        }

        await shard.Lease.DisposeAsync();
        _telemetry.ShardsChanged(-1);
        JobsLog.ShardReleased(_telemetry.Logger, shard.Shard);
    }
}
