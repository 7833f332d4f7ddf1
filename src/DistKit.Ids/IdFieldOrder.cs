namespace DistKit.Ids;

/// <summary>How the fields of an id follow the time bits, from most to least significant.</summary>
public enum IdFieldOrder
{
    /// <summary>time | node | sequence — Twitter Snowflake, bwmarrin/snowflake, IdGen.</summary>
    TimeNodeSequence,

    /// <summary>time | sequence | node — Sonyflake.</summary>
    TimeSequenceNode,
}
