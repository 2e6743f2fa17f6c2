import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isPrivateAddress } from "../../src/unfurl/private_address.ts";
import { checkTarget, refuseTarget } from "../../src/unfurl/target_guard.ts";

const PRIVATE_ADDRESSES = [
  "0.0.0.0",
  "0.1.2.3",
  "127.0.0.1",
  "127.255.255.254",
  "10.0.0.1",
  "10.255.255.255",
  "172.16.0.1",
  "172.20.10.10",
  "172.31.255.255",
  "192.168.0.1",
  "169.254.169.254",
  "169.254.0.1",
  "100.64.0.1",
  "100.127.255.255",
  "224.0.0.1",
  "255.255.255.255",
  "::",
  "::1",
  "[::1]",
  "0:0:0:0:0:0:0:1",
  "::ffff:127.0.0.1",
  "[::ffff:127.0.0.1]",
  "::ffff:7f00:1",
  "::ffff:10.0.0.1",
  "::ffff:169.254.169.254",
  "::127.0.0.1",
  "64:ff9b::a00:1",
  "2002:c0a8:101::1",
  "fc00::1",
  "fd00:ec2::254",
  "fdff:ffff::1",
  "fe80::1",
  "fe80::1%eth0",
  "febf::1",
  "fec0::1",
  "ff02::1",
  "2001:db8::1",
  // Audit F6b: special-use ranges that were let through.
  "192.88.99.1", // 6to4 relay anycast 192.88.99.0/24
  "192.88.99.255",
  "::ffff:192.88.99.1",
  "2002:c058:6301::1", // 6to4 around 192.88.99.1
  "3fff::1", // documentation 3fff::/20 (RFC 9637)
  "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff",
  "2001:2::1", // benchmarking 2001:2::/48
  "2001:2:0:ffff::1",
  "2001:10::1", // ORCHID 2001:10::/28
  "2001:1f:ffff::1",
  "2001:20::1", // ORCHIDv2 2001:20::/28
  "2001:2f::1",
];

const PUBLIC_ADDRESSES = [
  "8.8.8.8",
  "1.1.1.1",
  "172.15.255.255",
  "172.32.0.1",
  "100.63.255.255",
  "100.128.0.1",
  "192.169.0.1",
  "169.253.1.1",
  "2606:4700:4700::1111",
  "[2a00:1450:4001:80e::200e]",
  "::ffff:8.8.8.8",
  "64:ff9b::808:808",
  "2002:808:808::1",
  // Neighbours of the audit F6b ranges stay public.
  "192.88.98.1",
  "192.88.100.1",
  "3fff:1000::1",
  "2001:2:1::1",
  "2001:30::1",
  "2001:4:112::1",
  "2001:4860:4860::8888",
];

describe("isPrivateAddress()", () => {
  for (const address of PRIVATE_ADDRESSES) {
    it(`refuses ${address}`, () => {
      assert.equal(isPrivateAddress(address), true);
    });
  }
  for (const address of PUBLIC_ADDRESSES) {
    it(`allows ${address}`, () => {
      assert.equal(isPrivateAddress(address), false);
    });
  }
  it("is false for host names and malformed literals", () => {
    for (const text of ["example.com", "1.2.3", "1.2.3.256", ":::1", "1::2::3", "fffff::1"]) {
      assert.equal(isPrivateAddress(text), false, text);
    }
  });
});

describe("refuseTarget()", () => {
  const refused = [
    "http://127.0.0.1:8787/",
    "http://127.1/",
    "http://0x7f000001/",
    "http://2130706433/",
    "http://0177.0.0.1/",
    "http://0/",
    "http://[::1]:80/",
    "http://[::ffff:127.0.0.1]/",
    "http://[0:0:0:0:0:ffff:7f00:1]/",
    "http://10.0.0.5/admin",
    "http://172.16.3.4/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.100.100.200/",
    "http://[fd12:3456::1]/",
    "http://[fe80::1]/",
    "http://localhost:3000/",
    "http://LOCALHOST./",
    "http://app.localhost/",
    "http://printer.local/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://intranet/",
    "http://192.88.99.1/",
    "http://[3fff::1]/",
    "http://[2001:2::1]/",
    "http://[2001:10::1]/",
  ];
  for (const url of refused) {
    it(`refuses ${url}`, () => {
      assert.match(refuseTarget(new URL(url)) ?? "", /^Refused target/);
    });
  }

  it("refuses schemes other than http and https, even with allowPrivate", () => {
    for (const url of ["ftp://example.com/", "file:///etc/passwd", "data:text/html,hi"]) {
      assert.match(refuseTarget(new URL(url), { allowPrivate: true }) ?? "", /only http and https/);
    }
  });

  it("allows public hosts and addresses", () => {
    for (
      const url of ["https://example.com/a?b", "http://8.8.8.8/", "https://[2606:4700::1111]/"]
    ) {
      assert.equal(refuseTarget(new URL(url)), null, url);
    }
  });

  it("allowPrivate: true lets loopback and private targets through", () => {
    assert.equal(refuseTarget(new URL("http://127.0.0.1:9/"), { allowPrivate: true }), null);
    assert.equal(refuseTarget(new URL("http://[::1]/"), { allowPrivate: true }), null);
  });
});

describe("checkTarget() with a resolver", () => {
  it("refuses a host name that resolves to a private address", async () => {
    const resolveHost = (): Promise<string[]> => Promise.resolve(["93.184.216.34", "10.0.0.7"]);

    const refusal = await checkTarget(new URL("https://evil.example/"), { resolveHost });

    assert.match(refusal ?? "", /resolves to non-public "10\.0\.0\.7"/);
  });

  it("allows a host name whose addresses are all public, and skips lookup for literals", async () => {
    const looked: string[] = [];
    const resolveHost = (host: string): Promise<string[]> => {
      looked.push(host);
      return Promise.resolve(["93.184.216.34", "2606:2800:220:1::1"]);
    };

    const named = await checkTarget(new URL("https://example.com/"), { resolveHost });
    const literal = await checkTarget(new URL("http://8.8.8.8/"), { resolveHost });

    assert.equal(named, null);
    assert.equal(literal, null);
    assert.deepEqual(looked, ["example.com"]);
  });
});
