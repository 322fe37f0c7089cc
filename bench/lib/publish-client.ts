/**
 * The client of `publish-profile.ts`, in its own process so its CPU is not the server's: on a
 * message `{ url, token, round, count }` it packs the tarballs of versions `1.0.ROUND…` of the 20
 * generated bundles beforehand, PUTs `count` of them one after another, and answers the wall
 * time of each publish (ms), failing on any status but 201.
 */
import { generateBundles, skillTarball } from './bundles.ts';
import { publishToOurs } from './our-registry.ts';

export interface ClientJob {
  url: string;
  token: string;
  /** Versions start at `1.0.round`; each bundle gets the next patch per 20 publishes. */
  round: number;
  count: number;
}

const bundles = generateBundles(20, { dependEvery: 5 });

process.on('message', async (job: ClientJob) => {
  const tarballs = Array.from({ length: job.count }, (_, i) => {
    const b = bundles[i % bundles.length]!;
    return { name: b.name, tarball: skillTarball(b, `1.0.${job.round + Math.floor(i / bundles.length)}`) };
  });
  const times: number[] = [];
  try {
    for (const { name, tarball } of tarballs) {
      const t = performance.now();
      const status = await publishToOurs(job.url, job.token, name, tarball);
      times.push(performance.now() - t);
      if (status !== 201) throw new Error(`publish ${name}: HTTP ${status}`);
    }
    process.send?.({ times });
  } catch (e) {
    process.send?.({ error: String(e) });
  }
});
