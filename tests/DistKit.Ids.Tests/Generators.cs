using FsCheck;
using FsCheck.Fluent;

namespace DistKit.Ids.Tests;

/// <summary>FsCheck generators for layouts and ids.</summary>
internal static class Generators
{
    public static Gen<IdLayout> Layouts { get; } =
        from timeBits in Gen.Choose(20, 50)
        from sequenceBits in Gen.Choose(1, 22)
        from datacenterBits in Gen.Choose(0, 8)
        from workerBits in Gen.Choose(datacenterBits > 0 ? 1 : 0, 16)
        from unitMs in Gen.Elements(1, 10, 1000)
        from order in Gen.Elements(IdFieldOrder.TimeNodeSequence, IdFieldOrder.TimeSequenceNode)
        where timeBits + sequenceBits + datacenterBits + workerBits <= 63
        where timeBits <= IdLayout.MaxTimeBits(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromMilliseconds(unitMs))
        select new IdLayout("custom", new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromMilliseconds(unitMs), timeBits, datacenterBits, workerBits, sequenceBits, order);

    public static Gen<IdLayout> AnyLayout { get; } = Gen.OneOf(Gen.Elements(IdLayout.Presets.ToArray()), Layouts);

    /// <summary>A layout and field values in its range.</summary>
    public static Gen<(IdLayout Layout, long Ticks, long Node, long Sequence)> LayoutAndFields { get; } =
        from layout in AnyLayout
        from ticks in Choose64(0, layout.MaxTicks)
        from node in Choose64(0, layout.MaxNode)
        from sequence in Choose64(0, layout.MaxSequence)
        select (layout, ticks, node, sequence);

    public static Gen<long> Choose64(long low, long high) =>
        from hi in Gen.Choose(0, int.MaxValue)
        from lo in Gen.Choose(0, int.MaxValue)
        select low + (long)((((ulong)hi << 31) | (uint)lo) % ((ulong)(high - low) + 1));
}
