package portforward.hop.noise;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the flat Noise test-vector format from src/test/resources/noise-vectors.json with two
 * regexes, since the project has no JSON library and the format has one level of nesting.
 */
record NoiseVectors(String protocolName, byte[] prologue, Optional<byte[]> psk, byte[] initEphemeral,
        byte[] respEphemeral, byte[] handshakeHash, List<Message> messages) {

    record Message(byte[] payload, byte[] ciphertext) {}

    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern MESSAGE =
            Pattern.compile("\"payload\":\\s*\"([0-9a-f]*)\",\\s*\"ciphertext\":\\s*\"([0-9a-f]*)\"");

    static List<NoiseVectors> load() {
        String json;
        try (InputStream in = NoiseVectors.class.getResourceAsStream("/noise-vectors.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<NoiseVectors> vectors = new ArrayList<>();
        String[] blocks = json.split("\"protocol_name\":");
        for (int i = 1; i < blocks.length; i++) {
            vectors.add(parse(blocks[i]));
        }
        return vectors;
    }

    private static NoiseVectors parse(String block) {
        List<Message> messages = new ArrayList<>();
        Matcher m = MESSAGE.matcher(block);
        while (m.find()) {
            messages.add(new Message(HEX.parseHex(m.group(1)), HEX.parseHex(m.group(2))));
        }
        Optional<byte[]> psk = field(block, "init_psks");
        if (!psk.map(p -> HEX.formatHex(p)).equals(field(block, "resp_psks").map(p -> HEX.formatHex(p)))) {
            throw new IllegalArgumentException("the vectors' two sides hold different psks");
        }
        String name = block.substring(block.indexOf('"') + 1, block.indexOf('"', block.indexOf('"') + 1));
        return new NoiseVectors(name, field(block, "init_prologue").orElseThrow(), psk,
                field(block, "init_ephemeral").orElseThrow(), field(block, "resp_ephemeral").orElseThrow(),
                field(block, "handshake_hash").orElseThrow(), messages);
    }

    /** A hex string field, or the single hex string in a one-element array. */
    private static Optional<byte[]> field(String block, String key) {
        Matcher m = Pattern.compile("\"" + key + "\":\\s*\\[?\\s*\"([0-9a-f]*)\"").matcher(block);
        return m.find() ? Optional.of(HEX.parseHex(m.group(1))) : Optional.empty();
    }

    @Override
    public String toString() {
        return protocolName;
    }
}
