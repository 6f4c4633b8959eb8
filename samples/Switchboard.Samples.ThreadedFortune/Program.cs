// Qt's threaded fortune server and blocking fortune client, written with Switchboard's blocking API.
//   server [PORT]       one thread per connection sends one fortune (Qt 5 framing) and closes; stops at end of stdin
//   client HOST PORT    connects, waits for the whole fortune with WaitForReadyRead, prints it
// Both speak Qt's own bytes: the server answers Qt's fortune clients, the client reads Qt's fortune servers.
using System.Globalization;
using Switchboard.Samples.ThreadedFortune;

return args switch
{
    ["server"] => await ThreadedFortuneServer.RunAsync(0),
    ["server", var port] => await ThreadedFortuneServer.RunAsync(int.Parse(port, CultureInfo.InvariantCulture)),
    ["client", var host, var port] => await BlockingFortuneClient.RunAsync(host, int.Parse(port, CultureInfo.InvariantCulture)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Switchboard.Samples.ThreadedFortune server [PORT] | client HOST PORT");
    return 2;
}
