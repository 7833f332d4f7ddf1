using System.Globalization;

namespace DistKit.Ids;

/// <summary>
/// How a 64-bit id is cut up: an epoch, a time unit, and bit widths for time, node (optionally
/// split into datacenter and worker) and sequence. Immutable and validated at construction.
/// </summary>
/// <remarks>
/// The widths may sum to less than 63: the unused high bits stay zero, which is how
/// <see cref="JsSafe"/> keeps ids below 2^53. Ids are always positive.
/// </remarks>
public sealed partial class IdLayout : IEquatable<IdLayout>
{
    /// <summary>
    /// Twitter's Snowflake: 41 bits of milliseconds since 2010-11-04T01:42:54.657Z, 5 bits
    /// datacenter, 5 bits worker, 12 bits sequence (4,096 ids per ms per node). Runs out in 2080.
    /// </summary>
    public static IdLayout Snowflake { get; } = new(
        "snowflake", DateTimeOffset.FromUnixTimeMilliseconds(1288834974657), TimeSpan.FromMilliseconds(1),
        timeBits: 41, datacenterBits: 5, workerBits: 5, sequenceBits: 12, IdFieldOrder.TimeNodeSequence);

    /// <summary>
    /// Sony's Sonyflake: 39 bits of 10 ms units since 2014-09-01T00:00:00Z, then 8 bits sequence,
    /// then 16 bits machine id (256 ids per 10 ms per machine). Runs out in 2188.
    /// </summary>
    public static IdLayout Sonyflake { get; } = new(
        "sonyflake", new DateTimeOffset(2014, 9, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromMilliseconds(10),
        timeBits: 39, datacenterBits: 0, workerBits: 16, sequenceBits: 8, IdFieldOrder.TimeSequenceNode);

    /// <summary>
    /// Ids that JavaScript's <c>Number</c> holds exactly (below 2^53): 37 bits of 10 ms units since
    /// 2026-01-01T00:00:00Z (43 years, to 2069), 6 bits node (64 nodes), 10 bits sequence (102,400 ids/s per node).
    /// </summary>
    public static IdLayout JsSafe { get; } = new(
        "js-safe", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromMilliseconds(10),
        timeBits: 37, datacenterBits: 0, workerBits: 6, sequenceBits: 10, IdFieldOrder.TimeNodeSequence);

    /// <summary>The presets by name.</summary>
    public static IReadOnlyList<IdLayout> Presets { get; } = [Snowflake, Sonyflake, JsSafe];

    private readonly int _timeShift;
    private readonly int _nodeShift;
    private readonly int _sequenceShift;

    /// <summary>Creates and validates a layout.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A width or the unit is out of range, or the widths sum to more than 63.</exception>
    public IdLayout(string name, DateTimeOffset epoch, TimeSpan timeUnit, int timeBits, int datacenterBits, int workerBits, int sequenceBits, IdFieldOrder order = IdFieldOrder.TimeNodeSequence)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(timeUnit, TimeSpan.FromMilliseconds(1), nameof(timeUnit));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(timeUnit, TimeSpan.FromDays(1), nameof(timeUnit));
        if (timeUnit.Ticks % TimeSpan.TicksPerMillisecond != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(timeUnit), timeUnit, "The time unit must be a whole number of milliseconds, 1 ms to 1 d.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(timeBits, 20, nameof(timeBits));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(timeBits, 50, nameof(timeBits));
        ArgumentOutOfRangeException.ThrowIfNegative(datacenterBits, nameof(datacenterBits));
        ArgumentOutOfRangeException.ThrowIfNegative(workerBits, nameof(workerBits));
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceBits, 1, nameof(sequenceBits));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sequenceBits, 22, nameof(sequenceBits));
        if (datacenterBits > 0 && workerBits == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(workerBits), workerBits, "A layout that splits the node needs worker bits as well as datacenter bits.");
        }

        var total = timeBits + datacenterBits + workerBits + sequenceBits;
        if (total > 63)
        {
            throw new ArgumentOutOfRangeException(nameof(timeBits), total, $"The widths sum to {total} bits; an id has 63 (the sign bit stays zero).");
        }

        if (timeBits > MaxTimeBits(epoch, timeUnit))
        {
            throw new ArgumentOutOfRangeException(nameof(timeBits), timeBits, $"{timeBits} time bits of {Core.Duration.Format(timeUnit)} from {epoch:yyyy-MM-dd} run past year 9999; use at most {MaxTimeBits(epoch, timeUnit)}.");
        }

        Name = name;
        Epoch = epoch.ToUniversalTime();
        TimeUnit = timeUnit;
        TimeBits = timeBits;
        DatacenterBits = datacenterBits;
        WorkerBits = workerBits;
        SequenceBits = sequenceBits;
        Order = order;

        _timeShift = NodeBits + SequenceBits;
        (_nodeShift, _sequenceShift) = order == IdFieldOrder.TimeNodeSequence ? (SequenceBits, 0) : (0, NodeBits);
    }

    /// <summary>The most time bits whose lifetime from <paramref name="epoch"/> in units of <paramref name="timeUnit"/> ends before year 10000.</summary>
    public static int MaxTimeBits(DateTimeOffset epoch, TimeSpan timeUnit)
    {
        var units = (DateTimeOffset.MaxValue.UtcTicks - epoch.UtcTicks) / Math.Max(1, timeUnit.Ticks);
        return units <= 0 ? 0 : 63 - (int)long.LeadingZeroCount(units);
    }

    /// <summary>The layout's name (<c>snowflake</c>, or <c>custom</c> for one parsed from a spec).</summary>
    public string Name { get; }

    /// <summary>
    /// A name for files and keys that belong to this layout: the preset's name, or
    /// <c>custom-</c> and a hash of the spec, the same in every process.
    /// </summary>
    public string StorageName => Name != "custom"
        ? Name
        : "custom-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ToSpec())))[..12];

    /// <summary>Time zero of the time field (UTC).</summary>
    public DateTimeOffset Epoch { get; }

    /// <summary>The length of one time tick (1 ms for Snowflake, 10 ms for Sonyflake).</summary>
    public TimeSpan TimeUnit { get; }

    /// <summary>Width of the time field.</summary>
    public int TimeBits { get; }

    /// <summary>Width of the datacenter part of the node; 0 when the node is not split.</summary>
    public int DatacenterBits { get; }

    /// <summary>Width of the worker part of the node (the whole node when not split).</summary>
    public int WorkerBits { get; }

    /// <summary>Width of the node field: datacenter plus worker.</summary>
    public int NodeBits => DatacenterBits + WorkerBits;

    /// <summary>Width of the sequence field.</summary>
    public int SequenceBits { get; }

    /// <summary>Field order after the time bits.</summary>
    public IdFieldOrder Order { get; }

    /// <summary>Bits used; the rest of the 63 stay zero.</summary>
    public int TotalBits => TimeBits + NodeBits + SequenceBits;

    /// <summary>The largest node id (datacenter and worker together).</summary>
    public long MaxNode => (1L << NodeBits) - 1;

    /// <summary>The largest datacenter id; 0 when the node is not split.</summary>
    public long MaxDatacenter => (1L << DatacenterBits) - 1;

    /// <summary>The largest worker id.</summary>
    public long MaxWorker => (1L << WorkerBits) - 1;

    /// <summary>The largest sequence number in one tick.</summary>
    public long MaxSequence => (1L << SequenceBits) - 1;

    /// <summary>The largest time field value.</summary>
    public long MaxTicks => (1L << TimeBits) - 1;

    /// <summary>How long the time field lasts from the epoch.</summary>
    public TimeSpan Lifetime => TimeSpan.FromTicks(checked(TimeUnit.Ticks * (MaxTicks + 1)));

    /// <summary>The first instant the time field cannot represent.</summary>
    public DateTimeOffset ExhaustedAt => Epoch + Lifetime;

    /// <summary>The most ids one node can issue per second.</summary>
    public double CapacityPerNodePerSecond => (MaxSequence + 1) * (TimeSpan.TicksPerSecond / (double)TimeUnit.Ticks);

    /// <summary>The largest id the layout can produce.</summary>
    public long MaxId => TotalBits == 63 ? long.MaxValue : (1L << TotalBits) - 1;

    /// <summary>Builds an id from its fields. Fields are not range-checked here; the generator guarantees them.</summary>
    public long Compose(long ticks, long node, long sequence) =>
        (ticks << _timeShift) | (node << _nodeShift) | (sequence << _sequenceShift);

    /// <summary>The part of an id that the node contributes, precomputed once per generator.</summary>
    internal long NodePart(long node) => node << _nodeShift;

    internal int TimeShift => _timeShift;

    internal int SequenceShift => _sequenceShift;

    /// <summary>Splits an id into its fields.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The id is negative or uses bits the layout leaves zero.</exception>
    public IdParts Decode(long id)
    {
        if (id < 0 || id > MaxId)
        {
            throw new ArgumentOutOfRangeException(nameof(id), id, $"An id of layout '{Name}' is between 0 and {MaxId}.");
        }

        var ticks = id >>> _timeShift;
        var node = (id >>> _nodeShift) & MaxNode;
        var sequence = (id >>> _sequenceShift) & MaxSequence;
        long? datacenter = DatacenterBits > 0 ? node >>> WorkerBits : null;
        long? worker = DatacenterBits > 0 ? node & MaxWorker : null;
        return new IdParts(Epoch + TimeSpan.FromTicks(ticks * TimeUnit.Ticks), ticks, node, datacenter, worker, sequence);
    }

    /// <summary>The time field for an instant (whole units since the epoch, rounded down).</summary>
    public long TicksAt(DateTimeOffset time) => (time.UtcTicks - Epoch.UtcTicks) / TimeUnit.Ticks;

    /// <summary>Combines a datacenter and a worker id into the node field.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Either is out of the layout's range.</exception>
    public long NodeOf(long datacenter, long worker)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(datacenter);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(datacenter, MaxDatacenter);
        ArgumentOutOfRangeException.ThrowIfNegative(worker);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(worker, MaxWorker);
        return (datacenter << WorkerBits) | worker;
    }

    /// <summary>
    /// The layout as a spec that <see cref="Parse"/> reads back:
    /// <c>epoch=2026-01-01T00:00:00Z,unit=10ms,time=37,datacenter=0,worker=6,sequence=10,order=time-node-sequence</c>.
    /// </summary>
    public string ToSpec() => string.Create(CultureInfo.InvariantCulture,
        $"epoch={Epoch.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ},unit={Core.Duration.Format(TimeUnit)},time={TimeBits},datacenter={DatacenterBits},worker={WorkerBits},sequence={SequenceBits},order={(Order == IdFieldOrder.TimeNodeSequence ? "time-node-sequence" : "time-sequence-node")}");

    /// <inheritdoc />
    public override string ToString() => Name == "custom" ? ToSpec() : Name;

    /// <inheritdoc />
    public bool Equals(IdLayout? other) =>
        other is not null && Epoch == other.Epoch && TimeUnit == other.TimeUnit && TimeBits == other.TimeBits &&
        DatacenterBits == other.DatacenterBits && WorkerBits == other.WorkerBits && SequenceBits == other.SequenceBits && Order == other.Order;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as IdLayout);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Epoch, TimeUnit, TimeBits, DatacenterBits, WorkerBits, SequenceBits, Order);
}
