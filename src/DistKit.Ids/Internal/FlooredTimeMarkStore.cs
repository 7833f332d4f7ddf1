namespace DistKit.Ids.Internal;

/// <summary>
/// A time mark store that never reads below a floor: the marks earlier generators of this process
/// saved. A generator rebuilt after its worker id was lost and re-acquired (perhaps a different
/// one, with a different mark file) thereby starts above every id this process issued before.
/// </summary>
internal sealed class FlooredTimeMarkStore(ITimeMarkStore? inner, DateTimeOffset? floor) : ITimeMarkStore
{
    private readonly DateTimeOffset? _floor = floor;
    private DateTimeOffset? _highest = floor;

    /// <summary>The highest mark read or saved through this store.</summary>
    public DateTimeOffset? Highest => _highest;

    public DateTimeOffset? Load()
    {
        var stored = inner?.Load();
        return Max(stored, _floor);
    }

    public void Save(DateTimeOffset mark)
    {
        inner?.Save(mark);

        // Marks only grow while ids are issued; the lower one saved on close is exact, so keep it
        // unless a floor from an earlier generator is higher still.
        _highest = Max(mark, _floor);
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a > b ? a : b;
}
