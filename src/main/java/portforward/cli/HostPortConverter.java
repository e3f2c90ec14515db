package portforward.cli;

import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import joptsimple.ValueConversionException;
import joptsimple.ValueConverter;
import portforward.endpoint.BadInputException;
import portforward.endpoint.Endpoint;

/**
 * {@code --metrics HOST:PORT}: a local address to listen on, in the words of a listen endpoint
 * (IPv6 in brackets, port 0 for any free port), resolved at once.
 */
final class HostPortConverter implements ValueConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
        try {
            return Endpoint.parse("listen:" + value).resolve();
        } catch (BadInputException e) {
            throw new ValueConversionException("'" + value + "' is not HOST:PORT ("
                    + e.getMessage().replace("listen:", "") + ")");
        } catch (UnknownHostException e) {
            throw new ValueConversionException("'" + value + "': unknown host");
        }
    }

    @Override
    public Class<? extends InetSocketAddress> valueType() {
        return InetSocketAddress.class;
    }

    @Override
    public String valuePattern() {
        return "HOST:PORT";
    }
}
