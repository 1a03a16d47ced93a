using System.Text.Json;
using Daedalus.Sources;

namespace Daedalus.Ingest;

/// <summary>
/// Finds, before COPY, the cells PostgreSQL would refuse for one row, so that row goes to quarantine and the rest
/// of the batch loads: a null primary key, a NUL character (U+0000) in text or JSON (PostgreSQL's text and jsonb
/// cannot store it), JSON that does not parse, text that is not valid Unicode (an unpaired surrogate). Reasons name the stream and the column, never the value. Whatever
/// slips past these checks is isolated by the loader, which splits a refused batch down to the refused rows.
/// </summary>
public sealed class RowLoadCheck
{
    /// <summary>The rule name quarantine rows carry when a load check rejected them.</summary>
    public const string RuleName = "load";

    private readonly string _stream;
    private readonly StreamSchema _schema;
    private readonly int[] _keys;

    public RowLoadCheck(string stream, StreamSchema schema, int[] keyIndexes)
    {
        _stream = stream;
        _schema = schema;
        _keys = keyIndexes;
    }

    /// <summary>
    /// The reason the values as read cannot be stored, or null: a text cell holding an unpaired surrogate. Checked
    /// before protection, since encrypting or hashing would silently turn the half character into U+FFFD.
    /// </summary>
    public string? CheckRead(object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (values[i] is string text && Utf16Text.HasUnpairedSurrogate(text))
            {
                return $"stream {_stream}: column {_schema.Columns[i].Name} holds an unpaired UTF-16 surrogate (half a character), which is not valid Unicode and PostgreSQL cannot store";
            }
        }

        return null;
    }

    /// <summary>The reason <paramref name="values"/> (protected) cannot load, or null when it can.</summary>
    public string? Check(object?[] values)
    {
        foreach (var key in _keys)
        {
            if (values[key] is null)
            {
                return $"stream {_stream}: primary key column {_schema.Columns[key].Name} is null";
            }
        }

        for (var i = 0; i < values.Length; i++)
        {
            switch (values[i])
            {
                case string text when _schema.Columns[i].Type == ColumnType.Json:
                    var problem = JsonProblem(text);
                    if (problem is not null)
                    {
                        return $"stream {_stream}: column {_schema.Columns[i].Name} {problem}";
                    }

                    break;
                case string text when text.Contains('\0', StringComparison.Ordinal):
                    return $"stream {_stream}: column {_schema.Columns[i].Name} holds a NUL character (U+0000), which PostgreSQL text cannot store";
            }
        }

        return null;
    }

    /// <summary>Null when jsonb accepts the text; else what is wrong (a NUL in any string, even escaped, or bad JSON).</summary>
    private static string? JsonProblem(string text)
    {
        const string nul = "holds a NUL character (U+0000), which PostgreSQL jsonb cannot store";
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            return nul;
        }

        var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(text), new JsonReaderOptions { MaxDepth = 1000 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped
                    && reader.GetString()!.Contains('\0', StringComparison.Ordinal))
                {
                    return nul;
                }
            }

            return reader.BytesConsumed == 0 ? "is not valid JSON" : null;
        }
        catch (JsonException)
        {
            return "is not valid JSON";
        }
        catch (InvalidOperationException)
        {
            // GetString of an escaped lone surrogate ("\ud83d", which JavaScript's JSON.stringify writes); jsonb refuses it too.
            return "is not valid JSON: a string holds an escaped unpaired UTF-16 surrogate (half a character)";
        }
    }

}
