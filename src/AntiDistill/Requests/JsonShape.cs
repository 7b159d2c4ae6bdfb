namespace AntiDistill.Requests;

internal static class JsonShape
{
    public static bool IsObject(ReadOnlySpan<byte> body)
    {
        body = body.TrimStart(" \t\r\n"u8);
        return !body.IsEmpty && body[0] == (byte)'{';
    }
}
