namespace AntiDistill.Requests;

/// <summary>What reading a request body gave. Anything but <see cref="Ok"/> leaves <see cref="RequestContent"/> empty.</summary>
public enum RequestReadStatus : byte
{
    /// <summary>The body was read; <see cref="RequestContent"/> holds the prompt and its parameters.</summary>
    Ok = 0,

    /// <summary>The body is not well-formed JSON (or not UTF-8, or nested deeper than the reader allows).</summary>
    NotJson = 1,

    /// <summary>The body is JSON but not an object of a known format (wrong field types, no messages).</summary>
    UnexpectedShape = 2,

    /// <summary>The body is larger than the configured limit and was not read.</summary>
    TooLarge = 3,
}
