/**
 * The commit of DavidCai1111/vgg19-tensorflowjs-model whose files easel downloads (shared/models/MANIFEST.md).
 * Pinned, so the files behind the URL can never change; a branch name would serve whatever is pushed next.
 */
const VGG19_COMMIT = '08d09052bc6258d3abdfa341850122fc4b746db6';

/** model.json of the public tfjs conversion of Keras VGG19 that easel downloads when EASEL_VGG19 is unset. */
export const DEFAULT_VGG19_URL = `https://raw.githubusercontent.com/DavidCai1111/vgg19-tensorflowjs-model/${VGG19_COMMIT}/model/model.json`;

/**
 * sha256 of the files behind DEFAULT_VGG19_URL, from shared/models/MANIFEST.md ("Source files whose bytes went
 * into the weights"). The leading shards of groups 9–16 (group9-shard1of2, group10..16-shard1of3 and -shard2of3)
 * were never obtained for that manifest, so their sha256 is unknown and they are checked by length only; the
 * pinned commit is what guarantees them until someone with network access adds their sums here.
 */
export const KNOWN_SHA256: Readonly<Record<string, string>> = {
  'group1-shard1of1': 'c68eefa00d6af917fc28b127b756e48597c25cc11144b38fdf8ea65753c197e1',
  'group2-shard1of1': 'a0e2bb4fbef5e0ce3d8e2fbc6f903c713c9893a0aa2e26c687b0b5758c6af079',
  'group3-shard1of1': '71a6dbaa06d7e454db3e56d6d2eb5f2defd8b60cccd5af5fc8a6b773be1c5aa5',
  'group4-shard1of1': 'ab1d44f13a37e4af119cc56c7e9a4f8ab4ba281019cb057737d5e2f47dae2268',
  'group5-shard1of1': 'df21209f6d1a0bfd90a17eb705fbb9b520ece764914a067b0d94cefe99a43318',
  'group6-shard1of1': '3b44315d503e5f24957aef369df5e89a1d54fdcbd78e93c93df560d1ff0ba11d',
  'group7-shard1of1': 'f94ad0c1d2fcb380fe57649a0764a25e7602a436efb8767ce65faf28964f10d0',
  'group8-shard1of1': 'f0dc43a70868cb7edce398eac3422b45fb93333c2e6c274f89adc969c37791ee',
  'group9-shard2of2': '684b77cd4bdf77a8c823a1b2ca3d53810c8d3c3227519f3df87e689c51829ab4',
  'group10-shard3of3': 'b60af0e660c958625086b411f1b636fc10ba2362e0a2fe19b0f426cd66d3f55d',
  'group11-shard3of3': '4b898b94e72b6683c902b75062a0992137fa13adc7850ad3183adb61be1d21e1',
  'group12-shard3of3': '766ad63c88470aaa818a9e3d3ac62e22e6846fd5682ae3b74ed2b4ea9d942537',
  'group13-shard3of3': '62cab8d107a9d0a11f103d723c37550ed4b223400a82bec0d6770b2de4b6c625',
  'group14-shard3of3': '2cd663ffe64fe0782a3522bfb0a0cd3d8b4c382eaec0ed909cb0521adeb9e291',
  'group15-shard3of3': 'f5c7092536ae36c29f7e25fcd22c24e5cf00619cc75eec72c7d62e1b7631ee64',
  'group16-shard3of3': 'f2786d8c1af0d1e7e260683ff60b2e39487475b3b1d1d2eaa35fd98daff4c15b',
  'model.json': '0a55a4ea97c30cdcee63cc614e9f2d41f43ea4f0a9554bb151e742cbfd59c256',
};

/** sha256 of the re-assembled single-group VGG19 in the shared models folder (shared/models/MANIFEST.md). */
export const SHARED_VGG19_SHA256: Readonly<Record<string, string>> = {
  'model.json': '02d796cf47f64b30917f63ee7b5762633f72a78798c08d5566ca3858e05deb08',
  'group1-shard1of21.bin': '9667d5a1f4293407a3a077be9f8034a615bf90889afa07e84dd63f03541adcd0',
  'group1-shard2of21.bin': 'a1c61e0f900d0328e37f010164a034bca2c8329b812ab3d9baf26c4b97cec0a4',
  'group1-shard3of21.bin': '78ed08f9628cffdd9a70318084b9ee411bb10257271609c86aadfab5f2a3f0f8',
  'group1-shard4of21.bin': '7857bc790fd37c0752e24ca4c417d54da3d4dfe7bff66403e2e62cbc701657a5',
  'group1-shard5of21.bin': 'f36a518c7c16371f71053a70c8757d04dbfd6089af12e0a357358766a9b49e67',
  'group1-shard6of21.bin': '6f1a64bc60a6f2649b02efaef65d3839a25dee5e878bdaed4e15a28612df5b7f',
  'group1-shard7of21.bin': '1a7cea4dd3ac64abd1bcf492327c319a3c88ee9f4eb59934367ffafbdbef9652',
  'group1-shard8of21.bin': '97407e00442929b6365f803b63ba6ca1aeef6795ea018ff3d360867002b1f0ee',
  'group1-shard9of21.bin': 'd85a4f2d934629ab158440777072769e14ea6627f2d240e21dd32ecc823d57e3',
  'group1-shard10of21.bin': 'da50ef1d886f1b6ce014c9fdb134a0f9a9483b9e1fca4abcfabf6bc257e0ca21',
  'group1-shard11of21.bin': 'e0631ae2a57b66d68da7fc1ddd0cc7c54d7b1afb40143710c6b9100f14c73ab0',
  'group1-shard12of21.bin': '01ea8f1786d95ce29abc225b4c21f59a3e7110a9b1a2507796ccd3a9dbe8c090',
  'group1-shard13of21.bin': '03c66bc75efa1225997a281a2c061427f494c54103ea0a6096c35877d9903b62',
  'group1-shard14of21.bin': 'fc1aafad54d9c44deac5ad367fac87a6a26d5f4fb0f22c0947b89043968f986c',
  'group1-shard15of21.bin': '99bb7d4e27b4ab7054b51c8762fde663937e4dfbb8a627557daaca8062a8dd68',
  'group1-shard16of21.bin': 'beb2ae8756862851e4114ed7ac78c5119783ebbe23722e4c71bd0d3f9ff0a7ad',
  'group1-shard17of21.bin': '956b0876b45f29a4ad10552fbc1881fcd18d2df049bdd89ce7d5e5502e734399',
  'group1-shard18of21.bin': 'd8a8ef9f54b3e985f4482be4594a8239119bfce7b9ad7d55461a508aefda7674',
  'group1-shard19of21.bin': '8e38eebd51bc65ffa30d7d35908e6c6510560a523fe7fd2bfd201bb98e88be6c',
  'group1-shard20of21.bin': '0a431eeb007137e72152ebe571edc0342d4ebee7bc092d1ece9f5e96fd003b8f',
  'group1-shard21of21.bin': '8fb4ea582d2f1acb3da3ce4865440688a546500273758493ecf2b7d6c0a9d39e',
};
