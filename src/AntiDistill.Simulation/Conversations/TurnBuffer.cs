namespace AntiDistill.Simulation;

/// <summary>
/// An append-only list of turns whose prefixes are handed out as <see cref="ReadOnlyMemory{T}"/>: every request
/// of a conversation shares one buffer instead of copying its growing history. Earlier slices stay valid because
/// appends only write past them (a resize copies into a new array and leaves the old one untouched).
/// </summary>
internal sealed class TurnBuffer
{
    private ChatTurn[] _turns = new ChatTurn[8];
    private int _count;

    public ReadOnlyMemory<ChatTurn> Snapshot => _turns.AsMemory(0, _count);

    public void Add(ChatTurn turn)
    {
        if (_count == _turns.Length)
        {
            Array.Resize(ref _turns, _turns.Length * 2);
        }

        _turns[_count++] = turn;
    }
}
