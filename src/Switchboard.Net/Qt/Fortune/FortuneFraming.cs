namespace Switchboard.Net.Qt.Fortune;

/// <summary>How a fortune is framed on the wire. All three carry the text as a QDataStream QString.</summary>
public enum FortuneFraming
{
    /// <summary>
    /// Just the QString (Qt 5's fortuneserver and threadedfortuneserver); the server then closes.
    /// The default over TCP.
    /// </summary>
    Qt5,

    /// <summary>A quint16 block size (the bytes that follow), then the QString (Qt 4 examples, PyQt ports).</summary>
    Qt4,

    /// <summary>
    /// A quint32 holding the string's length in UTF-16 code units, then the QString (Qt's localfortuneserver).
    /// The default over local sockets.
    /// </summary>
    Local,
}
